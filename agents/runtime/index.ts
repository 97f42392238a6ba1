/** Public surface of agents/runtime. */
export type { RoleDefinition, RoleContext, Services, Outbound, MessageEvent, ActorImplementations, TemplateInfo } from "./role.ts";
export { RoleRegistry, loadRoleModule } from "./registry.ts";
export type { RegistryLike } from "./registry-like.ts";
export { RuntimeError, type RuntimeErrorCode } from "./errors.ts";
export { runMachineStep, type MachineStep } from "./run-machine.ts";
export { handleDelivery, toEnvelopes } from "./handler.ts";
export { startAgentHost, hostedRolesFrom, parseRoleConfig, type AgentHost, type HostedRole } from "./host.ts";
export { KeyedMutex } from "./keyed-mutex.ts";
export { runSwarm, finishRun, cliAgentId, type SwarmRunResult } from "./swarm-run.ts";
export { buildReport, type RunReport } from "./report.ts";
export { createServices, corpusPath } from "./services.ts";
export { loadTemplateInfo, templateInfoFrom } from "./template-info.ts";
export { ensureNats } from "./local-nats.ts";
export { createLogger, silentLogger, redactPaths } from "./logger.ts";
export { bootRoles, type BootedRoles } from "./boot.ts";
export { hostRolesForRun } from "./agent-process.ts";
