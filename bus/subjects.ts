import { messageTypeSchema, runIdSchema } from "./envelope.ts";

/** The only place that turns run ids and message types into NATS names (STYLE.md item 3). */

export function subjectFor(run: string, type: string): string {
  runIdSchema.parse(run);
  messageTypeSchema.parse(type);
  return `sci.${run}.${type}`;
}

export function runSubjects(run: string): string {
  runIdSchema.parse(run);
  return `sci.${run}.>`;
}

/** Every run has its own stream: it is the delivery log, the trace and the replay source at once. */
export function streamName(run: string): string {
  runIdSchema.parse(run);
  return `SCI_${run.replace(/-/g, "_")}`;
}

/** One durable consumer per (role, message type): nats-server 2.9 allows one filter subject per consumer. */
export function consumerName(role: string, type: string): string {
  return `${role}__${type.replace(/\./g, "_")}`;
}

/** Message type from a subject `sci.<run>.<noun>.<verb>`. */
export function typeFromSubject(subject: string): string | null {
  const parts = subject.split(".");
  if (parts.length !== 4 || parts[0] !== "sci") return null;
  return `${parts[2]}.${parts[3]}`;
}

export const buckets = {
  /** Actor snapshots by `<run>.<role>.<correlation>`. */
  snapshots: "sci_snapshots",
  /** The open-ended idea archive, by `<template>.<ideaId>`; it outlives runs. */
  archive: "sci_archive",
  /** Completed effects by key, so a redelivered message never repeats finished work. */
  effects: "sci_effects",
  /** Model spend per run (the llm ledger), by `<run>`: the budget every replica checks before a call. */
  ledger: "sci_ledger",
  /** Recorded model and literature answers by `<run>.<kind>.<request hash>`, for `scientist run --replay`. */
  recordings: "sci_recordings",
  /** Literature search results by source, query and limit: online APIs are slow and rate-limited. */
  literature: "sci_literature",
} as const;

export function artifactBucket(run: string): string {
  runIdSchema.parse(run);
  return `sci_art_${run.replace(/-/g, "_")}`;
}

/** KV keys allow [-/_=.a-zA-Z0-9]; anything else is replaced so user-chosen ids stay usable. */
export function kvKey(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^-/_=a-zA-Z0-9]/g, "_")).join(".");
}
