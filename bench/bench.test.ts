import { describe, expect, it } from "vitest";
import { encodeChat } from "gpt-tokenizer/model/gpt-4o";
import type { Envelope } from "../bus/index.ts";
import { figure, renderTable } from "./figures.ts";
import { pyFormat, seedPrompt } from "./seed-format.ts";
import { seedTokensForPaper, type SeedPaperInput } from "./seed-tokens.ts";
import { ideaTimes, stepsOf, type TimedEnvelope } from "./stage-times.ts";
import { PrefixCache, startTokenServer } from "./token-server.ts";
import { idealRate } from "./throughput-bench.ts";
import type { LlmRun } from "./llm-run.ts";

describe("figures", () => {
  it("computes the ratio and judges the target; a figure without a target is not judged", () => {
    expect(
      figure({ name: "a", value: 3, unit: "ms", anchorName: "raw", anchor: 2, target: "≤ 1.5×", atMost: 1.5 }),
    ).toMatchObject({ ratio: 1.5, met: true });
    expect(
      figure({ name: "b", value: 1, unit: "", anchorName: "x", anchor: 4, target: "≥ 3×", atLeast: 3 }),
    ).toMatchObject({ ratio: 0.25, met: false });
    expect(figure({ name: "c", value: 1, unit: "", anchorName: "x", anchor: 0, target: null }).met).toBeNull();
    const table = renderTable([
      {
        section: "s",
        figures: [
          figure({ name: "hop", value: 3, unit: "ms", anchorName: "raw", anchor: 2, target: "≤ 1.5×", atMost: 1 }),
        ],
        notes: [],
      },
    ]);
    expect(table).toMatch(/hop\s+3\.00 ms\s+raw 2\.00 ms\s+1\.50×\s+≤ 1\.5×\s+NO/);
  });
});

describe("Python str.format over the seed's prompts", () => {
  it("fills names and indexed names and unescapes doubled braces", () => {
    expect(pyFormat("{a} {fence[1]} {{x}}", { a: 1, fence: ["<", ">"] })).toBe("1 > {x}");
    expect(() => pyFormat("{missing}", {})).toThrow(/no value for \{missing\}/);
    // The seed's refinement prompt escapes LaTeX braces; formatting must leave single braces.
    expect(pyFormat(seedPrompt("refinement_prompt"), { section: "Method" })).toContain(
      "\\begin{figure} with a \\end{figure}",
    );
  });
});

describe("the prefix cache (OpenAI's rule)", () => {
  it("serves nothing below 1,024 tokens and then the shared prefix in 128-token steps", () => {
    const cache = new PrefixCache();
    const a = Array.from({ length: 3000 }, (_, i) => i % 5000);
    expect(cache.lookupAndStore(a.slice(0, 1000))).toBe(0);
    expect(cache.lookupAndStore(a)).toBe(0); // first time seen
    expect(cache.lookupAndStore(a)).toBe(1024 + 128 * Math.floor((3000 - 1024) / 128));
    const b = [...a.slice(0, 1500), ...Array.from({ length: 800 }, () => 7)];
    expect(cache.lookupAndStore(b)).toBe(1408); // the last boundary inside the 1,500 shared tokens
    expect(cache.lookupAndStore([1, ...a])).toBe(0); // a different first token shares nothing
  });
});

describe("the token server", () => {
  it("answers on the OpenAI wire with tokenizer counts, a cached share for a repeated prefix, after its latency", async () => {
    const server = await startTokenServer({ latencyMs: 30, jitterMs: 0 });
    try {
      const long = "word ".repeat(2000);
      const body = {
        model: "gpt-4o",
        messages: [
          { role: "system", content: long },
          { role: "user", content: "Write the Method." },
        ],
        response_format: { type: "json_schema", json_schema: { name: "section", schema: { type: "object" } } },
      };
      const post = async () => {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        return {
          json: (await res.json()) as {
            usage: {
              prompt_tokens: number;
              completion_tokens: number;
              prompt_tokens_details: { cached_tokens: number };
            };
          },
          ms: performance.now() - t0,
        };
      };
      const first = await post();
      const second = await post();
      expect(first.json.usage.prompt_tokens).toBeGreaterThanOrEqual(encodeChat(body.messages as never).length);
      expect(first.json.usage.prompt_tokens_details.cached_tokens).toBe(0);
      expect(second.json.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(1900);
      expect(second.json.usage.completion_tokens).toBeGreaterThan(0);
      expect(first.ms).toBeGreaterThanOrEqual(25);
      expect(server.bySchema.section).toMatchObject({ calls: 2 });
    } finally {
      await server.close();
    }
  });
});

/** A run's stream: one agent per role, message times in ms from 0. */
function timed(
  specs: Array<[id: string, type: string, from: string, cause: string | null, atMs: number, storedMs?: number]>,
): TimedEnvelope[] {
  return specs.map(([id, type, from, cause, atMs, storedMs]) => ({
    envelope: {
      id,
      type,
      run: "r1",
      from,
      causation: cause,
      correlation: type === "run.started" ? "r1" : "idea-1",
      at: new Date(atMs).toISOString(),
      v: 1,
      payload: {},
    } as Envelope,
    storedMs: storedMs ?? atMs,
  }));
}

describe("stage times from a stream", () => {
  const stream = timed([
    ["s", "run.started", "cli/x", null, 0],
    ["p", "idea.proposed", "ideator/a-0", "s", 100],
    ["a", "idea.assessed", "novelty/a-0", "p", 400],
    ["d", "paper.drafted", "writer/a-0", "a", 1400],
    ["q0", "review.requested", "area-chair/a-0", "d", 1410],
    ["q1", "review.requested", "area-chair/a-0", "d", 1410],
    ["r0", "review.submitted", "reviewer/a-0", "q0", 1610],
    ["r1", "review.submitted", "reviewer/a-1", "q1", 1910],
    ["x", "paper.decided", "area-chair/a-0", "r1", 1920],
  ]);

  it("splits the run into steps with service time and queue wait", () => {
    const steps = stepsOf(stream);
    const writer = steps.find((s) => s.role === "writer")!;
    expect(writer.serviceMs).toBe(1000);
    expect(
      steps
        .filter((s) => s.role === "reviewer")
        .map((s) => s.serviceMs)
        .sort(),
    ).toEqual([200, 500]);
    expect(steps.every((s) => s.waitMs === 0)).toBe(true);
  });

  it("rebuilds the critical path with the seats in parallel, and the serial path with them one after another", () => {
    const [idea] = ideaTimes(stream, stepsOf(stream));
    // ideator 100 + novelty 300 + writer 1000 + area chair 10 + slowest seat 500 + decision 10
    expect(idea!.criticalPathMs).toBe(1920);
    expect(idea!.serialPathMs).toBe(1920 + 200);
    expect(idea!.workMs.reviewer).toBe(700);
  });

  it("counts a message's wait when its replica is still busy with the previous one", () => {
    const busy = timed([
      ["s", "run.started", "cli/x", null, 0],
      ["q0", "review.requested", "area-chair/a-0", "s", 10],
      ["q1", "review.requested", "area-chair/a-0", "s", 10],
      ["r0", "review.submitted", "reviewer/a-0", "q0", 210],
      ["r1", "review.submitted", "reviewer/a-0", "q1", 410],
    ]);
    const seats = stepsOf(busy).filter((s) => s.role === "reviewer");
    expect(seats.map((s) => [s.serviceMs, s.waitMs])).toEqual([
      [200, 0],
      [200, 200],
    ]);
  });

  it("sets the ideal makespan by the slowest slot for the run's ideas", () => {
    const run = { stored: stream } as unknown as LlmRun;
    const ideal = idealRate(run, { writer: 1, reviewer: 2 }, 4);
    expect(ideal.bound).toMatch(/critical path|×/);
    expect(ideal.perMinute).toBeCloseTo(60_000 / 1920, 5);
  });
});

describe("the seed's tokens per paper", () => {
  const input = (citations: number, reviewerPerSeat: number): SeedPaperInput => ({
    system: "You are an ambitious AI PhD student.",
    taskDescription: "Study a small MLP.",
    code: "print('train')\n".repeat(50),
    plot: "labels = {}\n",
    texStart: "\\begin{document}\\end{document}",
    previousIdeas: ['{"Name": "seed"}'],
    idea: { Name: "lr", Title: "Learning rates", Experiment: "Raise the learning rate." },
    baselineMeans: '{"moons": {"val_acc": 0.9}}',
    runMeans: ['{"moons": {"val_acc": 0.95}}'],
    finalCode: "print('train fast')\n".repeat(50),
    finalNotes: "# notes\n",
    texFinal: "\\begin{document}" + "text ".repeat(500) + "\\end{document}",
    paperText: "paper ".repeat(800),
    fewShot: { paper: "example ".repeat(3000), review: '{"Overall": 6}' },
    papers: [
      {
        title: "A",
        authors: "B",
        venue: "C",
        year: "2020",
        cites: "1",
        abstract: "abs ".repeat(100),
        bibtex: "@article{a}",
      },
    ],
    reviewJson: '{"Overall": 6}',
    rounds: { ideation: 2, novelty: 2, reviewerPerSeat, citations },
    outputTokens: { idea: 50, novelty: 20, edits: 60, section: 15, citation: 20, review: 120, metaReview: 120 },
  });

  it("follows the seed's loops: the writer's passes, the review ensemble sent once, reflections with history", () => {
    const stages = seedTokensForPaper(input(5, 2));
    expect(stages.ideator!.calls).toBe(2);
    expect(stages.novelty!.calls).toBe(2);
    expect(stages.coder!.calls).toBe(1 + 1 + 2); // plan, one run's results, plot, notes
    // 2 abstract + 12 sections + related-work sketch + 5 × (aider + 2 citation calls) + refine + title + 8 second
    // passes
    expect(stages.writer!.calls).toBe(2 + 12 + 1 + 15 + 1 + 1 + 8);
    expect(stages.reviewer!.calls).toBe(2); // the ensemble (n = 5 in one call) and one reflection
    expect(stages.reviewer!.outputTokens).toBe(5 * 120 + 120);
    expect(stages["area-chair"]!.calls).toBe(1);
  });

  it("grows with the rounds it is given, and a repeated conversation is served from the cache", () => {
    const few = seedTokensForPaper(input(1, 1));
    const many = seedTokensForPaper(input(5, 5));
    expect(many.writer!.inputTokens).toBeGreaterThan(few.writer!.inputTokens);
    expect(many.reviewer!.inputTokens).toBeGreaterThan(few.reviewer!.inputTokens);
    expect(many.reviewer!.cachedTokens).toBeGreaterThan(0);
  });
});
