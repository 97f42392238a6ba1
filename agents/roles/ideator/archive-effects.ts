import { fromPromise } from "xstate";
import type { ArchiveEntry } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import type { IdeatorConfig } from "./config.ts";
import type { Outcome, Proposal } from "./types.ts";

/** The ideator's archive effects: read every idea of this template, record proposals and their outcomes. */
export function archiveEffects(context: RoleContext<IdeatorConfig>) {
  const { archive, template, now } = context.services;
  return {
    loadArchive: fromPromise<ArchiveEntry[], void>(async () => archive.list(template.name)),
    recordProposals: fromPromise<void, { run: string; proposals: Proposal[] }>(async ({ input }) => {
      for (const p of input.proposals) {
        await archive.put({
          ideaId: p.ideaId,
          run: input.run,
          template: template.name,
          idea: p.idea,
          params: p.params,
          parent: p.parent,
          generation: p.generation,
          status: "proposed",
          novel: null,
          overall: null,
          decision: null,
          reason: null,
          updatedAt: now().toISOString(),
        });
      }
    }),
    recordOutcome: fromPromise<void, { run: string; outcome: Outcome }>(async ({ input }) => {
      const o = input.outcome;
      const patch: Partial<ArchiveEntry> =
        o.kind === "assessed"
          ? { status: o.novel ? "novel" : "not-novel", novel: o.novel, reason: o.reason }
          : o.kind === "failed"
            ? { status: "failed", reason: o.reason }
            : o.kind === "stopped"
              ? { status: "stopped", reason: o.reason }
              : { status: "decided", overall: o.overall, decision: o.decision };
      // The operator stops ideas still in flight: one already decided, failed or judged keeps its outcome.
      if (o.kind === "stopped") {
        const entry = await archive.get(template.name, input.run, o.ideaId);
        if (!entry || ["decided", "failed", "not-novel"].includes(entry.status)) return;
      }
      // An idea is decided once: a second paper.decided (a forgery, or a replay) does not overwrite the first.
      if (o.kind === "decided" && (await archive.get(template.name, input.run, o.ideaId))?.status === "decided") return;
      await archive.update(template.name, input.run, o.ideaId, patch);
    }),
  };
}
