import type { KV } from "@nats-io/kv";
import { z } from "zod";
import { ideaSchema, paramsSchema } from "./messages.ts";
import { kvKey } from "./subjects.ts";

/** One idea in the open-ended archive: what was tried, whether it was novel, how its paper scored. */
export const archiveEntrySchema = z.object({
  ideaId: z.string(),
  run: z.string(),
  template: z.string(),
  idea: ideaSchema,
  params: paramsSchema,
  parent: z.string().nullable(),
  generation: z.number().int(),
  status: z.enum(["proposed", "novel", "not-novel", "failed", "decided", "stopped"]),
  novel: z.boolean().nullable(),
  overall: z.number().nullable(),
  decision: z.enum(["Accept", "Reject"]).nullable(),
  reason: z.string().nullable(),
  updatedAt: z.string(),
});
export type ArchiveEntry = z.infer<typeof archiveEntrySchema>;

/** The archive outlives runs: keys are `<template>.<run>.<ideaId>`, so later runs read every earlier idea. */
export class IdeaArchive {
  constructor(private readonly kv: KV) {}

  async put(entry: ArchiveEntry): Promise<void> {
    const valid = archiveEntrySchema.parse(entry);
    await this.kv.put(kvKey(valid.template, valid.run, valid.ideaId), JSON.stringify(valid));
  }

  async get(template: string, run: string, ideaId: string): Promise<ArchiveEntry | null> {
    const entry = await this.kv.get(kvKey(template, run, ideaId));
    if (!entry || entry.operation !== "PUT" || entry.length === 0) return null;
    return archiveEntrySchema.parse(entry.json());
  }

  /** Merges a partial update into an entry (creating nothing if the entry is absent). */
  async update(
    template: string,
    run: string,
    ideaId: string,
    patch: Partial<ArchiveEntry>,
  ): Promise<ArchiveEntry | null> {
    const current = await this.get(template, run, ideaId);
    if (!current) return null;
    const next = { ...current, ...patch, updatedAt: new Date().toISOString() };
    await this.put(next);
    return next;
  }

  async list(template: string): Promise<ArchiveEntry[]> {
    const out: ArchiveEntry[] = [];
    const prefix = `${kvKey(template)}.`;
    const keys = await this.kv.keys(`${kvKey(template)}.>`);
    for await (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== "PUT" || entry.length === 0) continue;
      const parsed = archiveEntrySchema.safeParse(entry.json());
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }
}
