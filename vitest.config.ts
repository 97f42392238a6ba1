import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{agents,bus,sandbox,config,templates,cli,tests}/**/*.test.ts"],
    // .scientist/ holds image rootfs trees (with /proc links): never crawl them for tests.
    exclude: ["node_modules/**", "runs/**", ".scientist/**", "test-results/**"],
    pool: "forks",
    // Two cores: integration files start nats-server and containers, so keep file parallelism modest.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
