// The terminal table of a bench report: per-paper outcomes (when the panel ran), then one row per reviewer
// setting and scope with the benchmark's figures.
import type { BenchReport } from "./bench.ts";

const num = (v: number | null, digits = 2) => (v === null ? "-" : v.toFixed(digits));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function formatBenchReport(report: BenchReport): string {
  const out: string[] = [];
  const s = report.sample;
  out.push(
    `review-bench ${report.run}: ${s.papers} papers (${s.accept} accept, ${s.reject} reject; stratified like all ${s.ofAll}, seed ${s.seed ?? "unknown"})`,
  );
  out.push(
    `leak check on all ${report.leakCheck.papers} texts, ${report.leakCheck.rule}: balanced accuracy ${num(report.leakCheck.raw, 3)} raw, ${num(report.leakCheck.stripped, 3)} after stripping`,
  );
  if (report.panelSkipped) out.push(`\n!!! ${report.panelSkipped}\n`);
  if (report.panel) {
    out.push(
      `\npanel: ${report.panel.model}, ${report.panel.seats} seats (${report.panel.replicas} reviewer replicas), accept iff rounded mean Overall >= ${report.panel.threshold}`,
    );
    const rows = report.papers.map((p) => [
      p.id,
      p.humanDecision,
      num(p.humanMean),
      p.panelOverall === null ? "-" : String(p.panelOverall),
      p.decision ?? p.status,
      `${p.seatsAnswered}/${report.panel!.seats}`,
      p.cost ? `$${p.cost.usd.toFixed(4)}` : "-",
      p.reused ? "earlier" : p.reason ? p.reason.slice(0, 60) : "",
    ]);
    out.push(table(["paper", "human", "mean", "overall", "panel", "seats", "cost", "note"], rows));
  }
  const rows = report.metrics.map((r) => [
    r.setting,
    r.scope,
    String(r.reviewed),
    String(r.failed + r.missing),
    num(r.metrics.accuracy),
    num(r.metrics.balancedAccuracy),
    num(r.metrics.f1),
    num(r.metrics.auc),
    num(r.metrics.pearson),
    num(r.metrics.spearman),
    num(r.balancedAccuracyAtThreshold),
  ]);
  const threshold = report.panel?.threshold ?? 6;
  out.push("");
  out.push(
    table(
      [
        "reviewer (seed rows: the original's CSV, decided by its Decision column)",
        "scope",
        "n",
        "failed",
        "acc",
        "bal.acc",
        "F1",
        "AUC",
        "pearson",
        "spearman",
        `bal.acc@>=${threshold}`,
      ],
      rows,
    ),
  );
  if (report.costs)
    out.push(
      `\nmodel spend: ${report.costs.total.calls} calls, ${report.costs.total.tokens} tokens, $${report.costs.total.usd.toFixed(4)}`,
    );
  if (report.replay) {
    const r = report.replay;
    out.push(
      `replay of ${r.from}: ${r.answered} calls answered, ${r.misses} not recorded${r.firstMiss ? `; first divergence ${r.firstMiss.kind} ${r.firstMiss.hash} (${r.firstMiss.role}, ${r.firstMiss.idea ?? "-"})` : ""}`,
    );
  }
  return `${out.join("\n")}\n`;
}
