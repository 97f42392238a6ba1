// What the experimenter answers to a paper's compile request, for writer tests (no sandbox).

/** experiment.finished for compile `attempt` of idea i1: ok with paper.pdf, or failed with `log` as its tail. */
export function compiled(attempt: number, status: "ok" | "error", log = "") {
  return {
    ideaId: "i1",
    kind: "latex",
    runIndex: 0,
    attempt,
    status,
    exitCode: status === "ok" ? 0 : 12,
    reason: status === "ok" ? null : "exit code 12",
    stderrTail: log,
    finalInfo: null,
    artifacts:
      status === "ok" ? { "paper.pdf": "i1/paper.pdf", "paper.log": "i1/paper.log" } : { "paper.log": "i1/paper.log" },
    usage: { wallMs: 1500, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
    image: "sha256:latex",
    reused: false,
  };
}

/** The paper.tex a LaTeX-fix prompt carries (between its ```latex fence). */
export function texOfPrompt(prompt: string): string {
  return /```latex\n([\s\S]*?)\n```/.exec(prompt)![1]!;
}
