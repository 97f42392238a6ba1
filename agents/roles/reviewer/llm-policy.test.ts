// The llm reviewer through the real openai adapter against a local server speaking the OpenAI wire format.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Payload, Review } from "../../../bus/index.ts";
import { createProvider } from "../../llm/index.ts";
import { startFakeWireServer, type FakeWireServer } from "../../llm/testing/index.ts";
import { openAiFixtures } from "../../llm/testing/index.ts";
import { fakeArtifacts, llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { paper as fixture } from "../../../tests/support/paper-fixture.ts";
import { loadConfig } from "../../../config/index.ts";
import { reviewerConfigSchema } from "./config.ts";
import { ReviewerError } from "./errors.ts";
import { fewShotNames } from "./fewshot.ts";
import { reviewerLlmPolicy } from "./llm-policy.ts";
import { reviewerSystemPromptNeg } from "./llm-prompts.ts";
import { reviewerMachine } from "./machine.ts";

type Drafted = Payload<"paper.drafted">;

const iclr = loadConfig({ raw: {}, env: {} }).data.iclr2022;
const hasFewShot = iclr !== null && existsSync(join(iclr, "fewshot"));
if (!hasFewShot)
  console.warn(
    "WARNING: the ICLR 2022 few-shot folder (config data.iclr2022) is absent: the llm reviewer tests that read it are SKIPPED",
  );

const review = (overall: number): Review => ({
  Summary: "The paper changes one setting of a small MLP and compares validation accuracy with the baseline.",
  Strengths: ["Every number is read from the run artifacts."],
  Weaknesses: ["A single change."],
  Originality: 2,
  Quality: 3,
  Clarity: 3,
  Significance: 2,
  Questions: ["Does it hold for deeper networks?"],
  Limitations: ["Toy datasets only."],
  "Ethical Concerns": false,
  Soundness: 3,
  Presentation: 3,
  Contribution: 2,
  Overall: overall,
  Confidence: 3,
  Decision: overall >= 6 ? "Accept" : "Reject",
});
const reply = (overall: number, thought = "Weighing it.") =>
  openAiFixtures.structured({ thought, review: review(overall) }, "review");

const paper: Drafted = {
  ...fixture,
  textArtifact: "i1/paper.txt",
  provenance: {
    checked: 14,
    supported: 12,
    unsupported: 2,
    artifact: "i1/provenance.json",
    claims: [
      { claim: "improves accuracy by 12.3% to 97.8%", location: "abstract", reason: "no run artifact holds 97.8" },
      { claim: "we also evaluate on CIFAR-10", location: "section Experimental Setup", reason: "no run used CIFAR-10" },
    ],
  },
};
const requested = (p: Drafted = paper) => ({
  paperId: "paper-i1",
  ideaId: "i1",
  seat: 1,
  persona: "skeptic",
  paper: p,
});
const texts = {
  "i1/paper.txt": "PDFTEXT Higher learning rates for small MLPs. Abstract. We raise the learning rate.",
  "i1/paper.md": "MARKDOWN # T\nA paper.",
};

describe("llm reviewer policy (OpenAI wire, local server)", () => {
  let server: FakeWireServer;
  beforeEach(async () => {
    server = await startFakeWireServer();
  });
  afterEach(async () => {
    await server.close();
  });

  function reviewer(
    config: Record<string, unknown> = {},
    options: {
      files?: Record<string, string>;
      swarm?: (s: ReturnType<typeof loadConfig>) => ReturnType<typeof loadConfig>;
      warnings?: string[];
    } = {},
  ) {
    const provider = createProvider({
      kind: "openai",
      apiKey: "sk-test",
      baseURL: `${server.url}/v1`,
      model: "local-review",
      timeoutMs: 10_000,
      maxRetries: 0,
      maxRepairs: 1,
    });
    const base = llmContext("reviewer", reviewerConfigSchema.parse(config), provider, {
      artifacts: fakeArtifacts(options.files ?? texts),
    });
    const warnings = options.warnings;
    const logger = warnings
      ? ({ ...base.logger, warn: (_: unknown, msg: string) => void warnings.push(msg) } as never)
      : base.logger;
    const context = { ...base, swarm: options.swarm ? options.swarm(base.swarm) : base.swarm, logger };
    return new MachineHarness(reviewerMachine.provide({ actors: reviewerLlmPolicy(context) as never }));
  }
  const userText = (i: number) =>
    server.requests[i]!.body.messages.filter((m: { role: string }) => m.role === "user").map(
      (m: { content: string }) => m.content,
    );

  it.skipIf(!hasFewShot)(
    "reviews the paper as written with the full form, the seed's first few-shot paper and the provenance claims, reflecting until 'I am done'",
    async () => {
      server.enqueue(reply(4, "First pass."), reply(5), reply(5, "No changes. I am done"), reply(9, "never asked"));
      const h = reviewer();
      const [out] = await h.send("review.requested", requested(), "i1");
      expect(out).toMatchObject({
        type: "review.submitted",
        seat: 1,
        payload: { seat: 1, persona: "skeptic", review: { Overall: 5, Decision: "Reject" } },
      });
      expect(server.requests).toHaveLength(3); // "I am done" in round 3 of 5 ends the reflections
      const system = server.requests[0]!.body.messages[0];
      expect(system).toMatchObject({ role: "system", content: reviewerSystemPromptNeg });
      expect(reviewerSystemPromptNeg).toContain(
        "If a paper is bad or you are unsure, give it bad scores and reject it.",
      );
      const [first] = userText(0);
      // The paper as written (the PDF's text), not the Markdown.
      expect(first).toContain(texts["i1/paper.txt"]);
      expect(first).not.toContain("MARKDOWN");
      expect(
        first.endsWith(`Here is the paper you are asked to review:\n\`\`\`\n${texts["i1/paper.txt"]}\n\`\`\``),
      ).toBe(true);
      // The full NeurIPS form, not a condensed one.
      for (const line of [
        "  - Originality: Are the tasks or methods new? Is the work a novel combination of well-known techniques? (This can be valuable!)",
        "2. Questions: Please list up and carefully describe any questions and suggestions for the authors.",
        "  8: Strong Accept: Technically strong paper with, with novel ideas, excellent impact on at least one area of AI",
        "  1: Your assessment is an educated guess. The submission is not in your area or the submission was difficult to understand.",
        'For the "Decision" field, don\'t use Weak Accept, Borderline Accept, Borderline Reject, or Strong Reject.',
      ])
        expect(first).toContain(line);
      // One few-shot example, the seed's first, as its text and review from the shared folder.
      const shot = readFileSync(join(iclr!, "fewshot", "132_automated_relational.txt"), "utf8");
      const shotReview = JSON.parse(readFileSync(join(iclr!, "fewshot", "132_automated_relational.json"), "utf8"))
        .review as string;
      expect(first).toContain("Below are some sample reviews, copied from previous machine learning conferences.");
      expect(first).toContain(`Paper:\n\n\`\`\`\n${shot}\n\`\`\``);
      expect(first).toContain(`Review:\n\n\`\`\`\n${shotReview}\n\`\`\``);
      expect(first).not.toContain(readFileSync(join(iclr!, "fewshot", "attention.txt"), "utf8").slice(0, 400));
      // The measured facts: unsupported claims as a soundness problem, and the idea's effects with their spreads.
      expect(first).toContain('- "improves accuracy by 12.3% to 97.8%" (abstract): no run artifact holds 97.8');
      expect(first).toContain('- "we also evaluate on CIFAR-10" (section Experimental Setup): no run used CIFAR-10');
      expect(first).toContain("treat every claim the provenance check could not trace as a soundness problem");
      expect(first).toContain(
        "- a: baseline 0.8, the idea's run (run_1) 0.9, change +0.1 (an improvement); seed spread 0.01, so the change is 10 spreads.",
      );
      expect(first).toContain("effects that do not clear the seed spread, and failed runs"); // the seat's persona focus
      expect(userText(2).at(-1)).toContain("Round 3/5.");
      expect(userText(2).at(-1)).toContain('ONLY INCLUDE "I am done" IF YOU ARE MAKING NO MORE CHANGES.');
    },
  );

  it.skipIf(!hasFewShot)("shows up to three few-shot papers in the seed's order", async () => {
    server.enqueue(reply(4));
    await reviewer({ fewShot: 3, reflections: 1 }).send("review.requested", requested(), "i1");
    const [first] = userText(0);
    const at = fewShotNames.map((name) =>
      first.indexOf(readFileSync(join(iclr!, "fewshot", `${name}.txt`), "utf8").slice(0, 300)),
    );
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(() => reviewerConfigSchema.parse({ fewShot: 4 })).toThrow();
  });

  it("falls back to the Markdown paper with a warning when there is no textArtifact, and says when a long paper is cut", async () => {
    server.enqueue(reply(4), reply(6, "I am done"));
    const warnings: string[] = [];
    const long = `MARKDOWN ${"x".repeat(5000)} THE END`;
    const h = reviewer({ fewShot: 0, maxPaperChars: 2000 }, { files: { "i1/paper.md": long }, warnings });
    const [out] = await h.send(
      "review.requested",
      requested({ ...paper, textArtifact: null, provenance: null, evidence: { ...paper.evidence, effects: [] } }),
      "i1",
    );
    expect(out!.type).toBe("review.submitted");
    const [first] = userText(0);
    expect(first).toContain("MARKDOWN xxx");
    expect(first).not.toContain("THE END");
    expect(first).toContain(`[Truncated: the paper has ${long.length} characters; only the first 2000 are shown.]`);
    expect(first).not.toContain("Below are some sample reviews");
    // provenance null and no effects (a review-bench paper): the seed's prompt, with no facts section.
    expect(first).not.toContain("reports the following facts");
    expect(warnings.join("\n")).toContain("no textArtifact");
    expect(warnings.join("\n")).toContain("truncated");
  });

  it("says a single-seed comparison cannot establish significance", async () => {
    server.enqueue(reply(4), reply(4, "I am done"));
    const single = {
      ...paper,
      evidence: {
        ...paper.evidence,
        effects: paper.evidence.effects.map((e) => ({ ...e, spread: 0, spreadKnown: false })),
      },
    };
    await reviewer({ fewShot: 0 }).send("review.requested", requested(single), "i1");
    expect(userText(0)[0]).toContain(
      "change +0.1 (an improvement); no seed spread recorded: a single-seed or zero-spread comparison cannot establish that the change is significant.",
    );
  });

  it("a seat whose model keeps answering invalid reviews emits review.failed with the reason", async () => {
    const bad = openAiFixtures.structured({ thought: "t", review: { ...review(5), Overall: 11 } }, "review");
    server.enqueue(bad, bad);
    const [out] = await reviewer({ fewShot: 0 }).send("review.requested", requested(), "i1");
    expect(out).toMatchObject({
      type: "review.failed",
      seat: 1,
      payload: { paperId: "paper-i1", ideaId: "i1", seat: 1, persona: "skeptic" },
    });
    expect((out!.payload as { reason: string }).reason).toMatch(/^reviewing: \[LLM_INVALID_OUTPUT\]/);
    expect(server.requests).toHaveLength(2); // the first answer and one repair round
  });

  it("a seat that cannot read the paper's text emits review.failed naming the artifact", async () => {
    const [out] = await reviewer({ fewShot: 0 }, { files: {} }).send("review.requested", requested(), "i1");
    expect(out).toMatchObject({
      type: "review.failed",
      payload: {
        reason: expect.stringContaining(
          "[REVIEWER_PAPER_UNREADABLE] cannot read the text of paper paper-i1 from artifact i1/paper.txt",
        ),
      },
    });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses to build with a coded error naming the path and the key when the few-shot folder is absent", () => {
    const build =
      (iclr2022: string | null, fewShot = 1) =>
      () =>
        reviewer({ fewShot }, { swarm: (s) => ({ ...s, data: { ...s.data, iclr2022 } }) });
    expect(build("/nonexistent/iclr2022")).toThrow(ReviewerError);
    expect(build("/nonexistent/iclr2022")).toThrow(
      /\[REVIEWER_FEWSHOT_MISSING\].*\/nonexistent\/iclr2022\/fewshot\/132_automated_relational\.txt does not exist \(config data\.iclr2022 \(environment SCIENTIST_ICLR2022\)/,
    );
    expect(build(null)).toThrow(/\[REVIEWER_FEWSHOT_MISSING\].*data\.iclr2022.*is null.*SCIENTIST_ICLR2022/);
    expect(build(null, 0)).not.toThrow();
  });

  it("left unset, fewShot is 1 with the ICLR data and 0 (not a boot failure) without it", () => {
    const unset = (iclr2022: string | null) => () =>
      reviewer({}, { swarm: (s) => ({ ...s, data: { ...s.data, iclr2022 } }) });
    expect(unset(null)).not.toThrow();
    expect(unset("/nonexistent/iclr2022")).toThrow(
      /\[REVIEWER_FEWSHOT_MISSING\].*132_automated_relational\.txt does not exist/,
    );
  });
});
