import type { ModelProvider } from "../../llm/index.ts";
import type { SteeringView } from "../../runtime/index.ts";

/** Roles that read the operator's notes for the idea they work on, and those that read constraints on new ideas. */
const noteReaders = new Set(["ideator", "coder", "writer"]);
const constraintReaders = new Set(["novelty"]);

/** The operator's words for one call of `role` on `idea`, read at call time (so a note reaches the next prompt). */
export function steeringText(view: SteeringView, role: string, idea: string | null): string {
  const parts: string[] = [];
  const notes = idea !== null && noteReaders.has(role) ? view.notesFor(idea) : [];
  if (notes.length > 0) {
    const list = notes.map((n) => `- ${n}`).join("\n");
    parts.push(`The researcher supervising this run left notes on this idea; follow them:\n${list}`);
  }
  const constraints = constraintReaders.has(role) ? view.constraints() : [];
  if (constraints.length > 0) {
    const list = constraints.map((c) => `- ${c}`).join("\n");
    parts.push(
      `The researcher requires new ideas to respect these constraints (an idea that breaks one is not acceptable):\n${list}`,
    );
  }
  return parts.join("\n\n");
}

/** A model whose every call carries the operator's current notes and constraints at the end of its system. */
export function steeredModel(
  model: ModelProvider,
  view: SteeringView | undefined,
  role: string,
  idea: string | null,
): ModelProvider {
  if (!view) return model;
  return {
    name: model.name,
    model: model.model,
    generate: (request) => {
      const text = steeringText(view, role, idea);
      return model.generate(text ? { ...request, system: `${request.system ?? ""}\n\n${text}`.trimStart() } : request);
    },
  };
}
