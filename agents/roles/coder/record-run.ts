import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import type { CoderConfig } from "./config.ts";
import { renderNotes } from "./notes-text.ts";
import type { CoderContext } from "./types.ts";

type Finished = Payload<"experiment.finished">;

/** Writes run_<i>.py (the code that ran) and notes.txt into the idea's folder. */
export function recordRunActor(context: RoleContext<CoderConfig>) {
  return fromPromise<string, { context: CoderContext; result: Finished; code: string | null }>(async ({ input }) => {
    const { artifacts } = context.services;
    const id = input.context.ideaId!;
    if (input.code !== null && input.result.status === "ok")
      await artifacts.put(`${id}/run_${input.result.runIndex}.py`, input.code);
    const notes = renderNotes(input.context, input.result);
    await artifacts.put(`${id}/notes.txt`, notes);
    return notes;
  });
}
