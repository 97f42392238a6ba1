/** Public surface of config/: the only folder that reads process.env. */
export {
  loadConfig,
  repoRoot,
  defaultConfigPath,
  type SwarmConfig,
  type ConfigOverrides,
  llmKeyVariable,
} from "./load-config.ts";
export {
  configSchema,
  roleEntrySchema,
  sandboxSchema,
  llmSchema,
  type RawConfig,
  type ParsedConfig,
} from "./schema.ts";
export { ConfigError, type ConfigErrorCode } from "./errors.ts";
export { plantHostVariable } from "./host-env.ts";
