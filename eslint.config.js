// Lint is part of the test command (scripts/test.sh): a floating promise or an `any` fails CI like a test.
import tseslint from "typescript-eslint";
import layering from "./scripts/eslint-layering.mjs";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".scientist/**",
      "runs/**",
      "test-results/**",
      "cli/ui/static/**",
      "**/*.js",
      "**/*.mjs",
      "vitest.config.ts",
    ],
  },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin, layering },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/no-explicit-any": "error",
      // Folders and roles are entered through their index.ts, and imports do not run in circles (DESIGN.md layout).
      "layering/no-reach-in": "error",
      "layering/no-cycle": "error",
      // Prettier wraps code at 120; what it cannot wrap (long strings: prompt text, messages, regexps) is exempt.
      "max-len": [
        "error",
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
);
