/**
 * The original's model tokens for one paper, reconstructed: its own prompts (bench/seed-prompts.json, verbatim),
 * its loops and round counts (launch_scientist.py: 3 idea reflections, 10 novelty rounds, MAX_RUNS 5, review
 * ensemble of 5 with 5 reflections and 1 few-shot example; perform_writeup.py's section passes), filled with the
 * same content the swarm's run produced for that paper (template, idea, code, notes, LaTeX, paper text, literature),
 * and tokenized with the same tokenizer and the same prefix-cache rule as the swarm's requests. Where a loop's
 * length depends on the model's judgment, the swarm's measured rounds are used, or the lower bound the seed's own
 * prompt sets (citations: "Add at least 5 new cites!"), so the original is never inflated.
 */

import { encode, encodeChat } from "gpt-tokenizer/model/gpt-4o";
import { PrefixCache } from "./token-server.ts";
import { pyFormat, seedExamples, seedPrompt, seedTips } from "./seed-format.ts";

type Msg = { role: "system" | "user" | "assistant"; content: string };

export interface SeedPaperInput {
  system: string;
  taskDescription: string;
  /** The template's experiment.py, plot.py, notes seed and latex/template.tex as the run started. */
  code: string;
  plot: string;
  texStart: string;
  /** Seed ideas plus the ideas generated before this one, as JSON strings (the seed's idea_str_archive). */
  previousIdeas: string[];
  idea: Record<string, unknown>;
  baselineMeans: string;
  /** Means of each run after the baseline, in order. */
  runMeans: string[];
  finalCode: string;
  finalNotes: string;
  /** The finished LaTeX with its bibliography (the seed keeps references.bib inside template.tex). */
  texFinal: string;
  /** The paper text the reviewers read. */
  paperText: string;
  fewShot: { paper: string; review: string } | null;
  /** Ten search results, each { title, authors, venue, year, citations, abstract, bibtex }. */
  papers: Array<{
    title: string;
    authors: string;
    venue: string;
    year: string;
    cites: string;
    abstract: string;
    bibtex: string;
  }>;
  /** A review as the model returns it (JSON text). */
  reviewJson: string;
  /** Rounds measured in the swarm's run for loops that end on the model's word. */
  rounds: { ideation: number; novelty: number; reviewerPerSeat: number; citations: number };
  /** Mean output tokens per call by stage, measured in the swarm's run (the same model answers both). */
  outputTokens: {
    idea: number;
    novelty: number;
    edits: number;
    section: number;
    citation: number;
    review: number;
    metaReview: number;
  };
}

export interface StageTokens {
  calls: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

const FENCE = ["```", "```"];
const AIDER_HISTORY_CAP = 8192; // aider: max_chat_history_tokens = min(max(context / 16, 1024), 8192)

/** Text of about `n` tokens standing in for a model reply of that size. */
const reply = (n: number): string => " ok".repeat(Math.max(1, Math.round(n)));

class Ledger {
  readonly stages: Record<string, StageTokens> = {};
  constructor(private readonly cache: PrefixCache) {}
  call(stage: string, messages: Msg[], outputTokens: number, n = 1): void {
    const tokens = encodeChat(messages);
    const cached = this.cache.lookupAndStore(tokens);
    const s = (this.stages[stage] ??= { calls: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0 });
    s.calls++;
    s.inputTokens += tokens.length;
    s.cachedTokens += cached;
    s.outputTokens += Math.round(outputTokens) * n;
  }
}

/** aider's Coder: system + examples, the chat so far (capped), the files, the request, the reminder. */
class AiderSession {
  private done: Msg[] = [];
  private readonly system: string;
  private readonly examples: Msg[];
  private readonly reminder: string;
  constructor(
    private readonly ledger: Ledger,
    private readonly stage: string,
  ) {
    const platform = "- Platform: Linux\n- Shell: SHELL=/bin/bash\n- Language: English";
    const shellCmd = pyFormat(seedPrompt("aider_shell_cmd_prompt"), { platform });
    this.system = pyFormat(seedPrompt("aider_main_system"), {
      lazy_prompt: "",
      language: "the same language they are using",
      shell_cmd_prompt: shellCmd,
    });
    this.examples = seedExamples().map((m) => ({ role: m.role, content: pyFormat(m.content, { fence: FENCE }) }));
    this.reminder = pyFormat(seedPrompt("aider_system_reminder"), {
      fence: FENCE,
      quad_backtick_reminder: "",
      lazy_prompt: "",
      shell_cmd_reminder: seedPrompt("aider_shell_cmd_reminder"),
    });
  }
  run(prompt: string, files: Record<string, string>, outputTokens: number): void {
    const filesText =
      seedPrompt("aider_files_content_prefix") +
      Object.entries(files)
        .map(([name, text]) => `\n${name}\n${FENCE[0]}\n${text}\n${FENCE[1]}\n`)
        .join("");
    const messages: Msg[] = [
      { role: "system", content: `${this.system}\n${this.reminder}` },
      ...this.examples,
      ...this.done,
      { role: "user", content: filesText },
      { role: "assistant", content: "Ok." },
      { role: "user", content: prompt },
      { role: "system", content: this.reminder },
    ];
    this.ledger.call(this.stage, messages, outputTokens);
    this.done.push({ role: "user", content: prompt }, { role: "assistant", content: reply(outputTokens) });
    while (this.done.length > 2 && encodeChat(this.done).length > AIDER_HISTORY_CAP) this.done.splice(0, 2);
  }
}

/** Direct calls with a growing message history (the seed's get_response_from_llm). */
function conversation(ledger: Ledger, stage: string, system: string) {
  const history: Msg[] = [];
  return (prompt: string, outputTokens: number, n = 1) => {
    history.push({ role: "user", content: prompt });
    ledger.call(stage, [{ role: "system", content: system }, ...history], outputTokens, n);
    history.push({ role: "assistant", content: reply(outputTokens) });
  };
}

const papersText = (input: SeedPaperInput, template: string) =>
  input.papers
    .map((p, i) =>
      pyFormat(seedPrompt(template), {
        i,
        title: p.title,
        authors: p.authors,
        venue: p.venue,
        year: p.year,
        cites: p.cites,
        abstract: p.abstract,
      }),
    )
    .join("\n\n");

/** The original's calls for one paper, by the swarm's role names. */
export function seedTokensForPaper(input: SeedPaperInput, cache = new PrefixCache()): Record<string, StageTokens> {
  const ledger = new Ledger(cache);
  const out = input.outputTokens;
  const ideaText = JSON.stringify(input.idea);

  // generate_ideas: first prompt, then reflections until "I am done" (NUM_REFLECTIONS = 3).
  const ideate = conversation(ledger, "ideator", input.system);
  ideate(
    pyFormat(seedPrompt("idea_first_prompt"), {
      task_description: input.taskDescription,
      code: input.code,
      prev_ideas_string: input.previousIdeas.join("\n\n"),
      num_reflections: 3,
    }),
    out.idea,
  );
  for (let j = 1; j < Math.min(3, input.rounds.ideation); j++)
    ideate(pyFormat(seedPrompt("idea_reflection_prompt"), { current_round: j + 1, num_reflections: 3 }), out.idea);

  // check_idea_novelty: ≤ 10 rounds, each with the last query's ten results.
  const novelty = conversation(
    ledger,
    "novelty",
    pyFormat(seedPrompt("novelty_system_msg"), {
      num_rounds: 10,
      task_description: input.taskDescription,
      code: input.code,
    }),
  );
  for (let j = 0; j < Math.min(10, input.rounds.novelty); j++) {
    novelty(
      pyFormat(seedPrompt("novelty_prompt"), {
        current_round: j + 1,
        num_rounds: 10,
        idea: ideaText,
        last_query_results: j === 0 ? "" : papersText(input, "novelty_paper"),
      }),
      out.novelty,
    );
  }

  // perform_experiments through aider on experiment.py, plot.py, notes.txt.
  const coder = new AiderSession(ledger, "coder");
  const notesStart = `# Title: ${String(input.idea.Title)}\n# Experiment description: ${String(input.idea.Experiment)}\n## Run 0: Baseline\nResults: ${input.baselineMeans}\nDescription: Baseline results.\n`;
  const notesAt = (k: number, of: number) =>
    notesStart + input.finalNotes.slice(0, Math.round((input.finalNotes.length * k) / Math.max(1, of)));
  const steps = input.runMeans.length + 3;
  let step = 0;
  coder.run(
    pyFormat(seedPrompt("coder_prompt"), {
      title: String(input.idea.Title),
      idea: String(input.idea.Experiment),
      max_runs: 5,
      baseline_results: input.baselineMeans,
    }),
    { "experiment.py": input.code, "plot.py": input.plot, "notes.txt": notesAt(step++, steps) },
    out.edits,
  );
  input.runMeans.forEach((means, i) => {
    coder.run(
      pyFormat(seedPrompt("run_completed_prompt"), { run_num: i + 1, results: means, next_run: i + 2 }),
      { "experiment.py": input.finalCode, "plot.py": input.plot, "notes.txt": notesAt(step++, steps) },
      out.edits,
    );
  });
  coder.run(
    seedPrompt("plot_prompt"),
    { "experiment.py": input.finalCode, "plot.py": input.plot, "notes.txt": notesAt(step++, steps) },
    out.edits,
  );
  coder.run(
    seedPrompt("notes_prompt"),
    { "experiment.py": input.finalCode, "plot.py": input.plot, "notes.txt": notesAt(step++, steps) },
    out.edits,
  );

  // perform_writeup through aider on experiment.py, latex/template.tex, notes.txt; the .tex grows pass by pass.
  const writer = new AiderSession(ledger, "writer");
  const firstPass = 14;
  let pass = 0;
  const tex = () =>
    input.texFinal.slice(
      0,
      Math.max(input.texStart.length, Math.round((input.texFinal.length * Math.min(pass, firstPass)) / firstPass)),
    );
  const files = () => ({
    "experiment.py": input.finalCode,
    "latex/template.tex": tex(),
    "notes.txt": input.finalNotes,
  });
  const refine = (section: string) => pyFormat(seedPrompt("refinement_prompt"), { section });
  writer.run(pyFormat(seedPrompt("abstract_prompt"), { tips: seedTips("Abstract") }), files(), out.section);
  pass++;
  writer.run(refine("Abstract"), files(), out.section);
  pass++;
  for (const section of ["Introduction", "Background", "Method", "Experimental Setup", "Results", "Conclusion"]) {
    writer.run(pyFormat(seedPrompt("section_prompt"), { section, tips: seedTips(section) }), files(), out.section);
    pass++;
    writer.run(refine(section), files(), out.section);
    pass++;
  }
  writer.run(
    pyFormat(seedPrompt("related_work_sketch_prompt"), { tips: seedTips("Related Work") }),
    files(),
    out.section,
  );
  const citationSystem = pyFormat(seedPrompt("citation_system_msg"), { total_rounds: 20 });
  for (let round = 0; round < input.rounds.citations; round++) {
    const cite = conversation(ledger, "writer", citationSystem);
    cite(
      pyFormat(seedPrompt("citation_first_prompt"), { draft: tex(), current_round: round, total_rounds: 20 }),
      out.citation,
    );
    cite(pyFormat(seedPrompt("citation_second_prompt"), { papers: papersText(input, "citation_paper") }), out.citation);
    const paper = input.papers[round % Math.max(1, input.papers.length)];
    writer.run(
      pyFormat(seedPrompt("aider_format"), { bibtex: paper?.bibtex ?? "", description: reply(out.citation) }),
      files(),
      out.section,
    );
  }
  writer.run(refine("Related Work"), files(), out.section);
  writer.run(seedPrompt("title_refinement_prompt"), files(), out.section);
  for (const section of [
    "Abstract",
    "Related Work",
    "Introduction",
    "Background",
    "Method",
    "Experimental Setup",
    "Results",
    "Conclusion",
  ]) {
    writer.run(
      pyFormat(seedPrompt("second_refinement_prompt"), { section, tips: seedTips(section) }),
      files(),
      out.section,
    );
  }

  // perform_review: one ensemble call (n = 5: the prompt is sent once), the meta-review, then reflections.
  const fewShot = input.fewShot
    ? seedPrompt("fewshot_prompt_header") +
      pyFormat(seedPrompt("fewshot_example"), { paper_text: input.fewShot.paper, review_text: input.fewShot.review })
    : "";
  const basePrompt =
    seedPrompt("neurips_form") + fewShot + pyFormat(seedPrompt("review_paper_suffix"), { text: input.paperText });
  const reviewerSystem = seedPrompt("reviewer_system_prompt_neg");
  ledger.call(
    "reviewer",
    [
      { role: "system", content: reviewerSystem },
      { role: "user", content: basePrompt },
    ],
    out.review,
    5,
  );
  const reviews = Array.from({ length: 5 }, (_, i) =>
    pyFormat(seedPrompt("meta_review_item"), { i: i + 1, n: 5, review: input.reviewJson }),
  ).join("");
  ledger.call(
    "area-chair",
    [
      { role: "system", content: pyFormat(seedPrompt("meta_reviewer_system_prompt"), { reviewer_count: 5 }) },
      { role: "user", content: seedPrompt("neurips_form") + reviews },
    ],
    out.metaReview,
  );
  const history: Msg[] = [
    { role: "user", content: basePrompt },
    {
      role: "assistant",
      content: pyFormat(seedPrompt("aggregated_review_reply"), { num_reviews_ensemble: 5, review: input.reviewJson }),
    },
  ];
  for (let j = 1; j < Math.min(5, input.rounds.reviewerPerSeat); j++) {
    // The seed sends reviewer_reflection_prompt unformatted.
    history.push({ role: "user", content: seedPrompt("reviewer_reflection_prompt") });
    ledger.call("reviewer", [{ role: "system", content: reviewerSystem }, ...history], out.review);
    history.push({ role: "assistant", content: reply(out.review) });
  }
  return ledger.stages;
}

export const tokensOf = (text: string): number => encode(text).length;
