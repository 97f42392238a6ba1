/**
 * Template errors: a malformed template is a boot-time problem a person must fix, so none is retryable.
 * Tests and callers match on `code`; `key` names the offending YAML key or PARAMS entry, `file` the file.
 */

export type TemplateErrorCode =
  /** The template folder, or one of the files the seed's contract requires, does not exist. */
  | "TEMPLATE_MISSING_FILE"
  /** template.yaml does not parse, or fails its schema (the message and `key` name the key). */
  | "TEMPLATE_BAD_YAML"
  /** prompt.json, seed_ideas.json or run_0/final_info.json is not valid JSON of the expected shape. */
  | "TEMPLATE_BAD_JSON"
  /** experiment.py has no `scientist:params` block, so parameters cannot be rewritten. */
  | "TEMPLATE_NO_PARAMS_BLOCK"
  /** The PARAMS block is present but is not a flat dict of numbers, strings and booleans. */
  | "TEMPLATE_BAD_PARAMS"
  /** template.yaml's `space` names a knob that PARAMS does not have. */
  | "TEMPLATE_BAD_SPACE"
  /**
   * Neither template.yaml's space, a params block nor experiment.py's code gives the rules policies anything to vary.
   */
  | "TEMPLATE_NOTHING_TO_VARY"
  /** A fixed setting (config run.settings, --set) names a knob the template does not have. */
  | "TEMPLATE_UNKNOWN_SETTING"
  /** A fixed setting's value does not fit its knob (not a number, not an integer, not a bool). */
  | "TEMPLATE_BAD_SETTING"
  /** experiment.py or plot.py imports a module that the template's sandbox image does not have. */
  | "TEMPLATE_MISSING_MODULE"
  /** The boot probe (probe_template.py in the sandbox) did not run or said something unreadable. */
  | "TEMPLATE_PROBE_FAILED";

export class TemplateError extends Error {
  override readonly name = "TemplateError";
  readonly code: TemplateErrorCode;
  readonly retryable = false;
  readonly key: string | null;
  readonly file: string | null;

  constructor(
    code: TemplateErrorCode,
    message: string,
    options: { cause?: unknown; key?: string | null; file?: string | null } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.key = options.key ?? null;
    this.file = options.file ?? null;
  }
}

export function isTemplateError(error: unknown, code?: TemplateErrorCode): error is TemplateError {
  return error instanceof TemplateError && (code === undefined || error.code === code);
}
