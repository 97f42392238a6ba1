/** Public surface of templates/: everything other folders may import. */
export {
  loadTemplate,
  listTemplates,
  defaultTemplateDir,
  templatesRoot,
  parseTemplateYaml,
  promptSchema,
  REQUIRED_FILES,
  type Template,
  type TemplatePrompt,
  type TemplateSummary,
} from "./load-template.ts";
export { readParamsBlock, writeParamsBlock, formatPythonValue, type Params, type ParamValue } from "./params-block.ts";
export {
  templateYamlSchema,
  SANDBOX_DEFAULTS,
  type TemplateYaml,
  type TemplateYamlInput,
  type TemplateSandbox,
  type TemplateMetrics,
} from "./template-schema.ts";
export { TemplateError, isTemplateError, type TemplateErrorCode } from "./errors.ts";
export {
  knobSchema,
  gridFor,
  inferSpace,
  coerceSetting,
  resolveSettings,
  inferredSpaceYaml,
  type Knob,
} from "./inferred-space.ts";
export {
  paramsBlockRun,
  knobRun,
  readWorkspace,
  inferScript,
  wrapperScript,
  probeScript,
  WORKSPACE_LIMITS,
  WRAPPER_FILE,
  INFER_FILE,
  SETTINGS_FILE,
  type PrepareRun,
  type PreparedRun,
} from "./run-plan.ts";
export {
  chooseImage,
  scanImports,
  localModules,
  probeTemplate,
  primaryMetricOf,
  PROBE_TIMEOUT_MS,
  type ImageChoice,
  type ProbeResult,
} from "./template-probe.ts";
