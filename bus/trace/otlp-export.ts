import { createHash } from "node:crypto";
import { causalTree, type RootKind } from "./causal-order.ts";
import { dedupeEntries, durationMs, timeOf, type TraceEntry } from "./trace-entry.ts";
import { spanIdFor, traceIdFor } from "./traceparent.ts";

/** OTLP/JSON shapes (opentelemetry-proto, JSON encoding: 64-bit ints as strings, enums as numbers, ids as hex). */
export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string;
  boolValue?: boolean;
  doubleValue?: number;
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status?: { code: number; message?: string };
}
export interface OtlpTrace {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpSpan[] }>;
  }>;
}

export const SPAN_KIND_INTERNAL = 1;
/** A message span stands for a publish that other agents consume asynchronously: OTel's producer kind. */
export const SPAN_KIND_PRODUCER = 4;
const STATUS_ERROR = 2;
const SERVICE_NAME = "scientist-swarm";
const SCOPE_NAME = "scientist-swarm/bus/trace";

export interface OtlpOptions {
  serviceName?: string;
}

/**
 * OTLP/JSON for Jaeger and any OTLP collector: one resource per run, one trace per run, one span per message
 * parented on its cause. Each trace has exactly one root: the run's only causeless message, or else a synthetic
 * `run <id>` span covering the whole run. Orphans and cut causation loops hang from that root, so no span ever
 * names a parent the backend cannot find.
 */
export function toOtlpTrace(entries: readonly TraceEntry[], options: OtlpOptions = {}): OtlpTrace {
  const byRun = new Map<string, TraceEntry[]>();
  for (const entry of dedupeEntries(entries)) {
    const list = byRun.get(entry.envelope.run) ?? [];
    list.push(entry);
    byRun.set(entry.envelope.run, list);
  }
  return {
    resourceSpans: [...byRun.entries()].map(([run, runEntries]) => ({
      resource: {
        attributes: [
          stringAttribute("service.name", options.serviceName ?? SERVICE_NAME),
          stringAttribute("scientist.run", run),
        ],
      },
      scopeSpans: [{ scope: { name: SCOPE_NAME }, spans: runSpans(run, runEntries) }],
    })),
  };
}

/**
 * The synthetic root's id: derived from the run, salted so it cannot equal the span of a message named like the run.
 */
export function runSpanIdFor(runId: string): string {
  return createHash("sha256").update(`run-span|${runId}`).digest("hex").slice(0, 16);
}

function runSpans(run: string, entries: readonly TraceEntry[]): OtlpSpan[] {
  const traceId = traceIdFor(run);
  const tops = causalTree(entries).map((node) => ({ entry: node.entry, kind: node.rootKind as RootKind }));
  const trueRoots = tops.filter((top) => top.kind === "root");
  const single = trueRoots.length === 1 ? trueRoots[0]!.entry : null;
  const rootSpanId = single ? spanIdFor(single.envelope.id) : runSpanIdFor(run);
  const topIds = new Set(tops.map((top) => top.entry.envelope.id));

  const spans: OtlpSpan[] = entries.map((entry) => {
    const { id, type, from, causation, correlation } = entry.envelope;
    const start = timeOf(entry);
    const span: OtlpSpan = {
      traceId,
      spanId: spanIdFor(id),
      name: type,
      kind: SPAN_KIND_PRODUCER,
      startTimeUnixNano: toNanos(start),
      endTimeUnixNano: toNanos(start + durationMs(entry)),
      attributes: [
        stringAttribute("message.type", type),
        stringAttribute("message.id", id),
        stringAttribute("agent", from),
        stringAttribute("correlation", correlation),
        stringAttribute("messaging.system", "nats"),
        intAttribute("messaging.message.sequence", entry.seq),
      ],
    };
    if (causation !== null) span.attributes.push(stringAttribute("causation", causation));
    if (entry.handledBy) {
      span.attributes.push(stringAttribute("handled.by", entry.handledBy.agent));
      span.attributes.push(stringAttribute("handled.started_at", entry.handledBy.startedAt));
      span.attributes.push(stringAttribute("handled.ended_at", entry.handledBy.endedAt));
    }
    if (type.endsWith(".failed") || type === "message.deadlettered") {
      const reason = (entry.envelope.payload as { reason?: unknown } | null)?.reason;
      span.status = { code: STATUS_ERROR, ...(typeof reason === "string" ? { message: reason } : {}) };
    }
    // A message under its cause; a top-level one (root, orphan, cut loop) under the run's root, unless it is it.
    if (!topIds.has(id)) span.parentSpanId = spanIdFor(causation!);
    else if (entry !== single) span.parentSpanId = rootSpanId;
    return span;
  });

  if (!single && spans.length > 0) spans.unshift(syntheticRoot(run, traceId, rootSpanId, entries));
  return spans;
}

function syntheticRoot(run: string, traceId: string, spanId: string, entries: readonly TraceEntry[]): OtlpSpan {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    const at = timeOf(entry);
    start = Math.min(start, at);
    end = Math.max(end, at + durationMs(entry));
  }
  return {
    traceId,
    spanId,
    name: `run ${run}`,
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: toNanos(start),
    endTimeUnixNano: toNanos(end),
    attributes: [stringAttribute("scientist.run", run), intAttribute("messages", entries.length)],
  };
}

/** Nanoseconds as a decimal string: the value exceeds 2^53, so it is built with BigInt, never a float. */
function toNanos(ms: number): string {
  if (!Number.isFinite(ms)) return "0";
  return (BigInt(Math.round(ms)) * 1_000_000n).toString();
}

function stringAttribute(key: string, value: string): OtlpKeyValue {
  return { key, value: { stringValue: value } };
}

function intAttribute(key: string, value: number): OtlpKeyValue {
  return { key, value: { intValue: String(Math.trunc(value)) } };
}
