import type { Envelope, Payload, Review, StoredEnvelope } from "../../bus/index.ts";
import type { RunReport } from "./report.ts";

/*
 * runs/<run>/index.html: the run report readable offline in a browser (no script, no network, inline style).
 * report.json holds the outcome; lineage, plots and the panel's personas come from the stream, which keeps them.
 */

const escapeHtml = (value: unknown): string =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** Relative paths from report.json go into href/src: encode each segment, keep the slashes. */
const hrefOf = (path: string): string => path.split("/").map(encodeURIComponent).join("/");

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;color:#1d2330;margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #d9dde6;padding-bottom:4px}h3{font-size:15px;margin:0 0 6px}
table{border-collapse:collapse;margin:6px 0}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eef0f4;vertical-align:top}
.muted{color:#6b7385}.paper{border:1px solid #d9dde6;border-radius:6px;padding:10px 14px;margin:12px 0}
.decision{color:#fff;border-radius:8px;padding:1px 8px;font-weight:bold}.Accept{background:#1f8a4c}.Reject{background:#b3261e}
.meta{white-space:pre-wrap}.plots img{max-width:320px;max-height:240px;border:1px solid #eef0f4;margin:4px}code{font-size:12px}`;

interface StreamFacts {
  lineage: Map<string, { parent: string | null; generation: number }>;
  plots: Map<string, string[]>;
  panels: Map<string, Payload<"paper.decided">["reviews"]>;
  titles: Map<string, string>;
}

function factsOf(stored: readonly StoredEnvelope[]): StreamFacts {
  const facts: StreamFacts = { lineage: new Map(), plots: new Map(), panels: new Map(), titles: new Map() };
  for (const { envelope } of stored) {
    const e = envelope as Envelope | null;
    if (!e) continue;
    if (e.type === "idea.proposed") {
      const p = e.payload as Payload<"idea.proposed">;
      facts.lineage.set(p.ideaId, { parent: p.parent, generation: p.generation });
    } else if (e.type === "study.completed") {
      const p = e.payload as Payload<"study.completed">;
      facts.plots.set(p.ideaId, Object.values(p.plots));
    } else if (e.type === "paper.drafted") {
      const p = e.payload as Payload<"paper.drafted">;
      facts.titles.set(p.paperId, p.title);
    } else if (e.type === "paper.decided") {
      const p = e.payload as Payload<"paper.decided">;
      facts.panels.set(p.paperId, p.reviews);
    }
  }
  return facts;
}

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="muted">none</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

function ideasSection(report: RunReport, facts: StreamFacts): string {
  const here = new Set(report.ideas.map((i) => i.id));
  const decided = new Map(report.papers.map((p) => [p.idea, p]));
  const rows = report.ideas.map((idea) => {
    const line = facts.lineage.get(idea.id);
    const parent = line?.parent
      ? here.has(line.parent)
        ? `<a href="#${escapeHtml(line.parent)}">${escapeHtml(line.parent)}</a>`
        : `${escapeHtml(line.parent)} <span class="muted">(archive)</span>`
      : '<span class="muted">baseline</span>';
    const paper = decided.get(idea.id);
    const params = Object.entries(idea.params)
      .map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(v)}`)
      .join(", ");
    return [
      `<span id="${escapeHtml(idea.id)}"><strong>${escapeHtml(idea.name)}</strong></span><br><span class="muted">${escapeHtml(idea.title)}</span>`,
      parent,
      escapeHtml(line?.generation ?? ""),
      `${escapeHtml(idea.status)}${idea.reason ? `<br><span class="muted">${escapeHtml(idea.reason)}</span>` : ""}`,
      idea.novel === null ? "" : idea.novel ? "yes" : "no",
      paper ? `<span class="decision ${paper.decision}">${paper.decision}</span> ${escapeHtml(paper.overall)}` : "",
      `<code>${params}</code>`,
    ];
  });
  return `<h2>Ideas</h2>${table(["idea", "parent", "generation", "status", "novel", "decision (overall)", "params"], rows)}`;
}

function reviewsTable(reviews: Array<{ seat: number | null; persona: string | null; review: Review }>): string {
  const rows = reviews.map(({ seat, persona, review }) => [
    escapeHtml(seat ?? ""),
    escapeHtml(persona ?? ""),
    escapeHtml(review.Overall),
    escapeHtml(review.Confidence),
    escapeHtml(`${review.Originality}/${review.Quality}/${review.Clarity}/${review.Significance}`),
    escapeHtml(`${review.Soundness}/${review.Presentation}/${review.Contribution}`),
    `<span class="decision ${review.Decision}">${review.Decision}</span>`,
    `<details><summary>${escapeHtml(review.Summary.slice(0, 90))}…</summary><p><strong>Strengths</strong></p><ul>${review.Strengths.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul><p><strong>Weaknesses</strong></p><ul>${review.Weaknesses.map((s) => `<li>${escapeHtml(s)}</li>`).join("")}</ul></details>`,
  ]);
  return table(
    ["seat", "persona", "overall", "confidence", "orig/qual/clar/sig", "sound/pres/contrib", "decision", "review"],
    rows,
  );
}

/** Claims checked / supported / unsupported, linked to provenance.json, and why a paper was overruled. */
function provenanceLine(paper: RunReport["papers"][number]): string {
  const p = paper.provenance;
  const claims = p
    ? `claims: ${p.checked} checked, ${p.supported} supported, <strong>${p.unsupported} unsupported</strong>${p.artifact ? ` · <a href="${hrefOf(p.artifact)}">provenance.json</a>` : ""}`
    : '<span class="muted">claims not checked</span>';
  const failed = paper.failedSeats.length
    ? ` · failed seats: ${paper.failedSeats.map((f) => `${escapeHtml(f.seat)} (${escapeHtml(f.reason)})`).join("; ")}`
    : "";
  return `<p>${claims}${paper.overruled ? ` · <strong>overruled</strong>: ${escapeHtml(paper.overruled)}` : ""}${failed}</p>`;
}

/** The PDF when it compiled; otherwise why not (the Markdown paper stands). */
function pdfLink(paper: RunReport["papers"][number]): string {
  if (paper.pdf) return `<a href="${hrefOf(paper.pdf)}">PDF</a>`;
  return `<span class="muted">no PDF: ${escapeHtml(paper.latexStatus ?? "not compiled")}</span>`;
}

function papersSection(report: RunReport, facts: StreamFacts): string {
  const cards = report.papers.map((paper) => {
    const panel = facts.panels.get(paper.id);
    const reviews = panel
      ? panel.map((r) => ({ seat: r.seat, persona: r.persona, review: r.review }))
      : paper.reviews.map((review) => ({ seat: null, persona: null, review }));
    const plots = facts.plots.get(paper.idea) ?? [];
    const scores = Object.entries(paper.scores)
      .map(([k, v]) => `${escapeHtml(k)} ${escapeHtml(v)}`)
      .join(" · ");
    return `<div class="paper" id="${escapeHtml(paper.id)}">
<h3>${escapeHtml(facts.titles.get(paper.id) ?? paper.id)}</h3>
<p><span class="decision ${paper.decision}">${paper.decision}</span> overall ${escapeHtml(paper.overall)} · idea <a href="#${escapeHtml(paper.idea)}">${escapeHtml(paper.idea)}</a> · <a href="${hrefOf(paper.path)}">${escapeHtml(paper.path)}</a> · ${pdfLink(paper)}</p>
<p class="muted">${scores}</p>
${provenanceLine(paper)}
${reviewsTable(reviews)}
<p><strong>Meta-review</strong></p><div class="meta">${escapeHtml(paper.metaReview)}</div>
${plots.length ? `<div class="plots">${plots.map((p) => `<a href="${hrefOf(p)}"><img src="${hrefOf(p)}" alt="${escapeHtml(p)}"></a>`).join("")}</div>` : ""}
</div>`;
  });
  return `<h2>Papers</h2>${cards.length ? cards.join("\n") : '<p class="muted">no paper was decided</p>'}`;
}

/** Model spend (llm runs only; a rules run makes no model call, so it has no `costs`). */
function costsSection(report: RunReport): string {
  const parts: string[] = [];
  if (report.budgetExhausted)
    parts.push(`<p><strong>budget exhausted</strong>: ${escapeHtml(report.budgetExhausted.reason)}</p>`);
  if (report.costs) {
    const line = (name: string, c: { calls: number; tokens: number; usd: number }) => [
      escapeHtml(name),
      escapeHtml(c.calls),
      escapeHtml(c.tokens),
      escapeHtml(`$${c.usd.toFixed(4)}`),
    ];
    const rows = [
      line("total", report.costs.total),
      ...Object.entries(report.costs.byRole).map(([k, v]) => line(`role ${k}`, v)),
      ...Object.entries(report.costs.byModel).map(([k, v]) => line(`model ${k}`, v)),
    ];
    parts.push(table(["", "calls", "tokens", "usd"], rows));
  }
  if (report.modelWarnings?.length) {
    parts.push(
      "<p><strong>Model warnings</strong></p>",
      table(
        ["role", "model", "warning", "count"],
        report.modelWarnings.map((w) => [
          escapeHtml(w.role),
          escapeHtml(w.model),
          escapeHtml(w.warning),
          escapeHtml(w.count),
        ]),
      ),
    );
  }
  return `<h2>Costs</h2>${parts.length ? parts.join("") : '<p class="muted">no model calls (rules policies)</p>'}`;
}

/** What the operator did to the run (scientist steer, the live page), in stream order. */
function interventionsSection(report: RunReport): string {
  const rows = (report.interventions ?? []).map((i) => [
    escapeHtml(i.at),
    escapeHtml(i.type.replace(/^control\./, "")),
    escapeHtml(JSON.stringify(i.payload)),
    escapeHtml(i.from),
  ]);
  return `<h2>Interventions</h2>${rows.length ? table(["at", "what", "payload", "from"], rows) : '<p class="muted">none: nobody steered this run</p>'}`;
}

/** The whole report page; every path in it is relative to the run folder, so the folder can be moved or zipped. */
export function renderReportHtml(report: RunReport, stored: readonly StoredEnvelope[]): string {
  const facts = factsOf(stored);
  const accepted = report.papers.filter((p) => p.decision === "Accept").length;
  const stages = Object.entries(report.stages).map(([name, s]) => [
    escapeHtml(name),
    escapeHtml(s.ideas),
    escapeHtml(s.meanSeconds.toFixed(1)),
  ]);
  const counts = Object.entries(report.messageCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => [escapeHtml(type), escapeHtml(n)]);
  const dead = report.deadLetters.map((d) => [escapeHtml(d.subject), escapeHtml(d.reason)]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>run ${escapeHtml(report.run)}</title><style>${STYLE}</style></head>
<body>
<h1>run ${escapeHtml(report.run)}</h1>
<p>template <strong>${escapeHtml(report.template)}</strong> · policy ${escapeHtml(report.policy)} · ${escapeHtml(report.startedAt)} → ${escapeHtml(report.endedAt)}</p>
<p>${report.completed ? "completed" : "<strong>stopped</strong>"}: ${escapeHtml(report.reason)} · ${report.messages} messages · ${report.ideas.length} ideas · ${report.papers.length} papers decided (${accepted} accepted) · <a href="report.json">report.json</a> · <a href="swarm.log">swarm.log</a></p>
${ideasSection(report, facts)}
${interventionsSection(report)}
${papersSection(report, facts)}
${costsSection(report)}
<h2>Time per stage</h2>${table(["stage", "ideas", "mean seconds"], stages)}
<h2>Message counts</h2>${table(["type", "count"], counts)}
<h2>Dead letters</h2>${table(["subject", "reason"], dead)}
</body></html>
`;
}
