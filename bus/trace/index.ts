// Public surface of bus/trace: pure views over the entries of a run's stream (the stream is the trace).
export {
  type TraceEntry,
  DEFAULT_DURATION_MS,
  compareEntries,
  dedupeEntries,
  formatOffset,
  runStartMs,
  shortId,
} from "./trace-entry.ts";
export { causalOrder, causalTree, type CausalNode, type CausalRow, type RootKind } from "./causal-order.ts";
export { renderCausalTree, renderFlat, renderTimeline, stateNote, type RenderOptions } from "./render-text.ts";
export { filterEntries, type TraceFilter } from "./filters.ts";
export { toChromeTrace, type ChromeTrace, type ChromeTraceEvent } from "./chrome-export.ts";
export {
  toOtlpTrace,
  runSpanIdFor,
  SPAN_KIND_INTERNAL,
  SPAN_KIND_PRODUCER,
  type OtlpAnyValue,
  type OtlpKeyValue,
  type OtlpOptions,
  type OtlpSpan,
  type OtlpTrace,
} from "./otlp-export.ts";
export { parseTraceparent, spanIdFor, traceIdFor, traceparentFor, type Traceparent } from "./traceparent.ts";
