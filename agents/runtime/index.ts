/** Public surface of agents/runtime. */
export type {
  RoleDefinition,
  RoleContext,
  RoleNeed,
  Services,
  Outbound,
  MessageEvent,
  ActorImplementations,
  TemplateInfo,
  TemplateBoot,
} from "./role.ts";
export { roleNeeds } from "./role.ts";
export { RoleRegistry, loadRoleModule } from "./registry.ts";
export type { RegistryLike } from "./registry-like.ts";
export { RuntimeError, type RuntimeErrorCode } from "./errors.ts";
export { runMachineStep, type MachineStep } from "./run-machine.ts";
export { handleDelivery, toEnvelopes } from "./handler.ts";
export {
  startAgentHost,
  hostedRolesFrom,
  parseRoleConfig,
  uncoveredActors,
  type AgentHost,
  type HostedRole,
} from "./host.ts";
export { KeyedMutex } from "./keyed-mutex.ts";
export { runSwarm, finishRun, cliAgentId, type SwarmRunResult } from "./swarm-run.ts";
export { buildReport, type RunReport } from "./report.ts";
export { renderReportHtml } from "./report-html.ts";
export { createServices, corpusPath, literatureFrom, servicesNeeded, type ServiceNeeds } from "./services.ts";
export {
  loadTemplateInfo,
  templateInfoFrom,
  bootTemplateInfo,
  bootTemplateForRun,
  writeInferredSpace,
  templateBootLines,
  type TemplateBootOptions,
} from "./template-info.ts";
export { ensureNats } from "./local-nats.ts";
export { createLogger, silentLogger, redactPaths } from "./logger.ts";
export { bootRoles, type BootedRoles } from "./boot.ts";
export { hostRolesForRun } from "./agent-process.ts";
export { packTemplate, shareTemplate, fetchTemplate, sha256, type TemplateBundleRef } from "./template-share.ts";
export { assertDockerSeesMounts, mountVisibility } from "./docker-mount-check.ts";
export { createLlmServices, type LlmServices, type ReplayStatus } from "./llm-services.ts";
export { LedgerStore, readLedger, kvRecordingStore } from "./llm-stores.ts";
export { costsOf, type RunCosts, type CostLine } from "./report.ts";
export { SteeringState, ideaOf, type SteeringView, type Intervention } from "./steering-state.ts";
export { watchSteering } from "./steering-watch.ts";
export {
  controlFor,
  sendControl,
  budgetCap,
  operatorAgentId,
  steerVerbs,
  SteeringError,
  type ControlRequest,
} from "./steering-send.ts";
export { resumeSwarm, resumeRefusal } from "./swarm-resume.ts";
export { listRunStates, runState, type RunState, type RunStateName } from "./run-state.ts";
