import { describe, expect, it } from "vitest";
import type { Envelope, Review, StoredEnvelope } from "../../bus/index.ts";
import { renderReportHtml } from "./report-html.ts";
import type { RunReport } from "./report.ts";

const review = (overall: number, decision: "Accept" | "Reject"): Review => ({
  Summary: "A study of width.",
  Strengths: ["clear <effect>"],
  Weaknesses: ["one template"],
  Originality: 2,
  Quality: 3,
  Clarity: 3,
  Significance: 2,
  Questions: [],
  Limitations: [],
  "Ethical Concerns": false,
  Soundness: 3,
  Presentation: 3,
  Contribution: 2,
  Overall: overall,
  Confidence: 4,
  Decision: decision,
});

let seq = 0;
const stored = (type: string, payload: Record<string, unknown>): StoredEnvelope => {
  seq += 1;
  const envelope: Envelope = {
    id: `m${seq}`,
    type,
    run: "r1",
    from: "x/1",
    causation: null,
    correlation: "c",
    at: "2026-11-27T18:00:00.000Z",
    v: 1,
    payload,
  };
  return { seq, subject: `sci.r1.${type}`, envelope, error: null, traceparent: null };
};

const report: RunReport = {
  run: "r1",
  template: "mlp-dynamics",
  policy: "rules",
  startedAt: "2026-11-27T18:00:00.000Z",
  endedAt: "2026-11-27T18:00:30.000Z",
  messages: 9,
  completed: true,
  reason: "every proposed idea was decided, dropped or failed",
  ideas: [
    {
      id: "idea-1",
      name: "width_64",
      title: "width = 64",
      novel: true,
      status: "decided",
      reason: null,
      params: { width: 64 },
    },
    {
      id: "idea-2",
      name: "width_64__lr",
      title: "<script>alert(1)</script>",
      novel: true,
      status: "decided",
      reason: null,
      params: { width: 64, lr: 0.1 },
    },
    {
      id: "idea-3",
      name: "dup",
      title: "dup",
      novel: false,
      status: "not-novel",
      reason: "identical settings archived",
      params: {},
    },
  ],
  papers: [
    {
      id: "paper-1",
      idea: "idea-1",
      path: "idea-1/paper.md",
      pdf: "idea-1/paper.pdf",
      latexStatus: "ok",
      decision: "Accept",
      overall: 7,
      scores: { Overall: 7 },
      metaReview: "Accepted: the effect exceeds the spread.",
      reviews: [review(7, "Accept")],
      provenance: { checked: 41, supported: 41, unsupported: 0, artifact: "idea-1/provenance.json" },
      overruled: null,
      failedSeats: [],
    },
    {
      id: "paper-2",
      idea: "idea-2",
      path: "idea-2/paper.md",
      pdf: null,
      latexStatus: "compile 1 failed (error): exit code 12 — ! Undefined control sequence.",
      decision: "Reject",
      overall: 4,
      scores: { Overall: 4 },
      metaReview: "Rejected.",
      reviews: [review(4, "Reject")],
      provenance: { checked: 30, supported: 28, unsupported: 2, artifact: "idea-2/provenance.json" },
      overruled: "2 unsupported claims",
      failedSeats: [{ seat: 3, reason: "[LLM_INVALID_OUTPUT] no review" }],
    },
  ],
  stages: { novelty: { ideas: 3, meanSeconds: 1.5 }, total: { ideas: 2, meanSeconds: 20 } },
  deadLetters: [],
  messageCounts: { "idea.proposed": 3, "paper.decided": 2 },
};

const streamOf = (): StoredEnvelope[] => [
  stored("idea.proposed", { ideaId: "idea-1", parent: null, generation: 0 }),
  stored("idea.proposed", { ideaId: "idea-2", parent: "idea-1", generation: 1 }),
  stored("idea.proposed", { ideaId: "idea-3", parent: "idea-0-from-an-older-run", generation: 1 }),
  stored("study.completed", { ideaId: "idea-1", plots: { "val acc.png": "idea-1/val acc.png" } }),
  stored("paper.drafted", { ideaId: "idea-1", paperId: "paper-1", title: "Width matters" }),
  stored("paper.decided", {
    ideaId: "idea-1",
    paperId: "paper-1",
    reviews: [{ seat: 0, persona: "skeptic", review: review(7, "Accept") }],
  }),
];

describe("the offline run report (index.html)", () => {
  const html = renderReportHtml(report, streamOf());

  it("names every paper with its decision, overall score, link to the paper and meta-review", () => {
    expect(html).toContain('<span class="decision Accept">Accept</span> overall 7');
    expect(html).toContain('<span class="decision Reject">Reject</span> overall 4');
    expect(html).toContain('href="idea-1/paper.md"');
    expect(html).toContain("Width matters");
    expect(html).toContain("Accepted: the effect exceeds the spread.");
    expect(html).toContain("skeptic");
  });

  it("shows per paper the claims checked, supported and unsupported, why it was overruled and which seats failed", () => {
    expect(html).toContain("claims: 41 checked, 41 supported, <strong>0 unsupported</strong>");
    expect(html).toContain('<a href="idea-2/provenance.json">provenance.json</a>');
    expect(html).toContain("<strong>overruled</strong>: 2 unsupported claims");
    expect(html).toContain("failed seats: 3 ([LLM_INVALID_OUTPUT] no review)");
  });

  it("links each compiled PDF and says why a paper has none", () => {
    expect(html).toContain('<a href="idea-1/paper.pdf">PDF</a>');
    expect(html).toContain("no PDF: compile 1 failed (error): exit code 12 — ! Undefined control sequence.");
  });

  it("shows lineage: a parent in this run links to it, one from the archive says so", () => {
    expect(html).toContain('<a href="#idea-1">idea-1</a>');
    expect(html).toContain('idea-0-from-an-older-run <span class="muted">(archive)</span>');
    expect(html).toContain("identical settings archived");
  });

  it("links plots relative to the run folder, encoding each path segment", () => {
    expect(html).toContain('<img src="idea-1/val%20acc.png"');
  });

  it("escapes text from the run, so a title cannot inject markup", () => {
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("clear &lt;effect&gt;");
  });

  it("has time per stage, message counts and no model costs for a rules run", () => {
    expect(html).toMatch(/<td>novelty<\/td><td>3<\/td><td>1\.5<\/td>/);
    expect(html).toContain("<td>idea.proposed</td><td>3</td>");
    expect(html).toContain("no model calls (rules policies)");
  });
});
