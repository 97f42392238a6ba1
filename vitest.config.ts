import { defineConfig } from "vitest/config";

// Unit tests sit beside their code and need neither NATS nor Docker; files named *.integration.test.ts or
// *.e2e.test.ts, and everything under tests/, start a real nats-server, containers or a browser.
const unitInclude = ["{agents,bus,sandbox,config,templates,cli,bench}/**/*.test.ts"];
const slowPatterns = ["**/*.integration.test.ts", "**/*.e2e.test.ts"];

export default defineConfig({
  test: {
    // .scientist/ holds image rootfs trees (with /proc links): never crawl them for tests.
    exclude: ["node_modules/**", "runs/**", ".scientist/**", "test-results/**"],
    pool: "forks",
    // Two cores: integration files start nats-server and containers, so keep file parallelism modest.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: unitInclude, exclude: ["node_modules/**", ".scientist/**", ...slowPatterns] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/**/*.test.ts", ...slowPatterns.map((p) => `{agents,bus,sandbox,config,templates,cli}/${p}`)],
          exclude: ["node_modules/**", ".scientist/**"],
        },
      },
    ],
  },
});
