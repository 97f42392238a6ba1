// A scripted model for one template's study, composed with scripted-research-server.ts (whose generic researcher
// answers what this does not script): it proposes an idea built on the seed ideas it is shown, makes one real
// SEARCH/REPLACE edit of a literal in that template's experiment.py, writes prose whose numbers are copied from the
// results it is shown in the prompt, and reviews. `conduct` makes it dishonest in the ways issue 12 names; every
// request is kept (`requests`) so a test can show what the swarm fed back to the model.
import { researcherReply, type ChatRequest } from "./scripted-research-server.ts";

export interface StudyScript {
  /** What the model proposes; `builtOn` names the seed idea it must have been shown (checked in the prompt). */
  idea: { Name: string; Title: string; Experiment: string; builtOn: string };
  /** run_1: one literal of experiment.py, changed in place (same line, so located knobs keep their place). */
  edit: { search: string; replace: string; description: string };
  /** Overall score each reviewer seat gives (default 7). */
  overall?: number;
}

/** Dishonesty, as issue 12 lists it, and whether the model mends its ways when the swarm lists its claims. */
export interface Conduct {
  /** Sentences added to the abstract (e.g. a fabricated number). */
  abstract?: string;
  /** Sentences added to a section, by section name (e.g. a CIFAR-10 experiment that never ran). */
  sections?: Record<string, string>;
  /** true: a claim-fix prompt gets edits removing the fabrications; false: edits that reword and keep them. */
  fixesOnFeedback?: boolean;
  /** The held-out LaTeX trick: the first draft carries a LaTeX error in math, the first fix returns the file
   *  unchanged, the second smuggles in `smuggled`, the third really fixes it. */
  latexTrick?: { broken: string; smuggled: string };
}

export interface Recorded {
  schema: string;
  system: string;
  user: string[];
}

export interface StudyResearcher {
  reply(request: ChatRequest): unknown;
  /** Every request in arrival order: schema, system prompt and user turns. */
  readonly requests: Recorded[];
}

const block = (file: string, search: string, replace: string) =>
  `${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`;

interface Table {
  runs: string[];
  rows: Array<{ dataset: string; metric: string; cells: string[] }>;
}

/** The results table the writer shows (`| dataset | metric | run_0 (baseline) | run_1 |`), read back from a prompt. */
export function resultsTableOf(prompt: string): Table | null {
  const lines = prompt.split("\n");
  const start = lines.findIndex((l) => /^\| dataset \| metric \|/.test(l));
  if (start < 0) return null;
  const cells = (l: string) =>
    l
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
  const runs = cells(lines[start]!).slice(2);
  const rows: Table["rows"] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const [dataset, metric, ...values] = cells(line);
    rows.push({ dataset: dataset!, metric: metric!, cells: values });
  }
  return { runs, rows };
}

/** Honest sentences: every number is one the prompt's results table holds, printed as it is printed there. */
export function honestFindings(table: Table | null, limit = 3): string {
  if (!table || table.runs.length < 2) return "The runs are summarised in the results table.";
  const changed = table.runs.length - 1;
  return table.rows
    .filter((r) => /^-?\d/.test(r.cells[0] ?? "") && /^-?\d/.test(r.cells[changed] ?? ""))
    .slice(0, limit)
    .map(
      (r) => `On ${r.dataset}, ${r.metric} is ${r.cells[0]} for the baseline and ${r.cells[changed]} with the change.`,
    )
    .join(" ");
}

export function studyResearcher(script: StudyScript, conduct: Conduct = {}): StudyResearcher {
  const requests: Recorded[] = [];
  const fabrications = [conduct.abstract, ...Object.values(conduct.sections ?? {})];
  let latexFixes = 0;

  function reply(request: ChatRequest): unknown {
    const schema = request.response_format?.json_schema?.name ?? "";
    const system = request.messages.find((m) => m.role === "system")?.content ?? "";
    const user = request.messages.filter((m) => m.role === "user").map((m) => m.content);
    requests.push({ schema, system, user });
    const first = user[0] ?? "";
    const last = user.at(-1) ?? "";
    const all = user.join("\n");
    switch (schema) {
      case "idea": {
        const shown = first.includes(script.idea.builtOn);
        const { builtOn, ...idea } = script.idea;
        return {
          thought: `${shown ? `Building on the seed idea ${builtOn}` : "No seed idea was shown"}: change one quantity and measure it. I am done`,
          idea: { ...idea, Interestingness: 6, Feasibility: 9, Novelty: 6 },
        };
      }
      case "novelty":
        return user.length === 1
          ? { thought: "Search first.", decision: "undecided", query: script.idea.Title, cited: [] }
          : {
              thought: "No paper found changes this quantity in this setup. Decision made: novel.",
              decision: "novel",
              query: "",
              cited: /^1: /m.test(last) ? [1] : [],
            };
      case "edits":
        return edits(first, last);
      case "title_abstract": {
        const base = `We study ${script.idea.Title.toLowerCase()}: ${script.edit.description}. ${honestFindings(resultsTableOf(all), 1)}`;
        return { title: script.idea.Title, abstract: conduct.abstract ? `${base} ${conduct.abstract}` : base };
      }
      case "section": {
        const section = /fill in the (.+?) of the writeup/.exec(first)?.[1] ?? "";
        const key = /^\[@([^\]\s]+)\]/m.exec(first)?.[1];
        let text =
          section === "Results"
            ? honestFindings(resultsTableOf(all))
            : section === "Related Work" && key
              ? `Closest to this study is the work of [@${key}], which we compare against in our setting.`
              : `This section covers ${section.toLowerCase() || "the study"}: ${script.edit.description}.`;
        const extra = conduct.sections?.[section];
        if (extra) text = `${text} ${extra}`;
        if (conduct.latexTrick && section === "Method")
          text = `${text} We write the update as ${conduct.latexTrick.broken} in this notation.`;
        return { text };
      }
      case "citation_query":
        // One search for the idea's topic, then enough.
        return /Round 1\//.test(first)
          ? {
              Thought: "The related work needs the closest prior study.",
              Description: "Cite the closest prior study in Related Work.",
              Query: script.idea.Title,
            }
          : { Thought: "No more citations needed", Description: "", Query: "" };
      case "citation_select":
        return {
          Thought: "The first result fits.",
          Selected: "[0]",
          Description: "Cite it in the Related Work section.",
        };
      case "citation_edit": {
        const key = /@\w+\{([^,\s]+),/.exec(first)?.[1] ?? "";
        const draft = markdownOf(first);
        const lines = draft.split("\n");
        const heading = lines.findIndex((l) => /^## \d+ Related Work/.test(l));
        const line = heading >= 0 ? lines.slice(heading + 1).find((l) => l.trim() !== "") : undefined;
        return {
          thought: `Cite ${key}.`,
          edits: line && key ? block("paper.md", line, `${line} See also [@${key}].`) : "",
        };
      }
      case "claim_fix": {
        // The writer lists the unsupported claims with the paper; an honest-on-feedback model drops the
        // fabrications, a stubborn one rewords them and keeps every number and name.
        const draft = markdownOf(last);
        const present = fabrications.filter((f): f is string => f !== undefined && draft.includes(f));
        const blocks = present
          .map((f) =>
            lineEdit("paper.md", draft, f, (line) =>
              conduct.fixesOnFeedback
                ? line.split(f).join("").replace(/ {2,}/g, " ").trimEnd()
                : line.split(f).join(`Indeed, ${f}`),
            ),
          )
          .filter((b): b is string => b !== null);
        return {
          thought: conduct.fixesOnFeedback ? "Remove what the runs do not support." : "The claims stand.",
          edits: blocks.join("\n\n"),
        };
      }
      case "latex_fix": {
        latexFixes++;
        const tex = /```latex\n([\s\S]*?)\n```/.exec(last)?.[1] ?? "";
        const trick = conduct.latexTrick;
        const needle =
          trick && tex.includes(trick.broken)
            ? trick.broken
            : trick && tex.includes(trick.smuggled)
              ? trick.smuggled
              : null;
        if (!trick || needle === null) return { thought: "Nothing I can see to fix.", edits: "" };
        const edit = (change: (line: string) => string) => lineEdit("paper.tex", tex, needle, change) ?? "";
        if (latexFixes === 1) return { thought: "It looks fine to me.", edits: edit((line) => line) }; // unchanged: must be refused without a compile
        if (latexFixes === 2)
          return {
            thought: "Fix the math, and mention the result.",
            edits: edit((line) => `${line.split(trick.broken).join("")}\n${trick.smuggled}`),
          };
        return {
          thought: "Remove the unbalanced math and keep only what the runs show.",
          edits: edit((line) => line.split(trick.broken).join("").split(trick.smuggled).join("")),
        };
      }
      case "review": {
        const overall = script.overall ?? 7;
        const base = researcherReply(request) as { thought: string; review: Record<string, unknown> };
        return {
          ...base,
          review: {
            ...base.review,
            Summary: `The paper studies ${script.idea.Title}.`,
            Overall: overall,
            Decision: overall >= 6 ? "Accept" : "Reject",
          },
        };
      }
      default:
        return researcherReply(request);
    }
  }

  /** run_1 is the one edit; then plot.py's labels, notes.txt's figure descriptions, and ALL_COMPLETED. */
  function edits(first: string, last: string): unknown {
    const { search, replace, description } = script.edit;
    const prompt = `${first}\n${last}`;
    const reply = (thought: string, edits: string, run = "") => ({
      thought,
      plan: `run_1: ${description}`,
      description: run,
      edits,
    });
    if (/description of what each plot shows/i.test(last)) {
      const figures = /The figures plot.py wrote: (.*)/.exec(last)?.[1] ?? "";
      return reply(
        "Describe the plots.",
        block("notes.txt", "", `\nPlots (${figures}): each compares run_0 (baseline) with run_1 (${description}).\n`),
      );
    }
    if (/Please modify `plot.py`/.test(last)) return reply("Label run_1 for the plots.", labelRun(prompt, description));
    // The current experiment.py as the prompt shows it (the run history may quote a diff holding both versions).
    const current = /experiment\.py\n```[a-z]*\n([\s\S]*?)\n```/.exec(last)?.[1] ?? prompt;
    if (!current.includes(search) && current.includes(replace)) return reply("The planned run is done.", ALL_COMPLETED);
    return reply(`Run 1: ${description}.`, block("experiment.py", search, replace), description);
  }

  return {
    reply,
    requests,
  };
}

/** plot.py's `labels` entry for run_1, as the seed asks, when the prompt shows plot.py's run_0 label line. */
function labelRun(prompt: string, description: string): string {
  const line = /\n( +"run_0": "[^"\n]*",)\n/.exec(prompt)?.[1];
  if (!line || prompt.includes('"run_1":')) return "";
  const indent = /^ */.exec(line)![0];
  return block("plot.py", line, `${line}\n${indent}"run_1": "${description.replace(/"/g, "'")}",`);
}

const ALL_COMPLETED = "ALL_COMPLETED";

/** The draft paper.md a prompt carries in its ```markdown fence. */
const markdownOf = (prompt: string) => /```markdown\n([\s\S]*?)\n```/.exec(prompt)?.[1] ?? "";

/** A block replacing the one line of `text` that holds `needle` (null: no line holds it). */
function lineEdit(file: string, text: string, needle: string, change: (line: string) => string): string | null {
  const line = text.split("\n").find((l) => l.includes(needle));
  return line === undefined ? null : block(file, line, change(line));
}
