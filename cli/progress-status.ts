import type { StoredEnvelope } from "../bus/index.ts";

/**
 * Where the run stands, folded from its messages: the live status line on a terminal. Counts ideas by the furthest
 * stage they reached, so a number never goes down while the run goes on.
 */
export class RunTally {
  messages = 0;
  proposed = 0;
  novel = 0;
  dropped = 0;
  failed = 0;
  written = 0;
  decided = 0;
  accepted = 0;
  private reviewsRequested = new Map<string, number>();
  private reviewsSubmitted = new Map<string, number>();
  private closedPapers = new Set<string>();

  fold(message: StoredEnvelope): void {
    this.messages += 1;
    const e = message.envelope;
    if (!e) return;
    const p = e.payload as Record<string, unknown>;
    const paper = typeof p.paperId === "string" ? p.paperId : "";
    switch (e.type) {
      case "idea.proposed":
        this.proposed += 1;
        break;
      case "idea.assessed":
        if (p.novel) this.novel += 1;
        else this.dropped += 1;
        break;
      case "idea.failed":
        this.failed += 1;
        break;
      case "paper.drafted":
        this.written += 1;
        break;
      case "review.requested":
        this.reviewsRequested.set(paper, (this.reviewsRequested.get(paper) ?? 0) + 1);
        break;
      case "review.failed": // a failed seat is no longer in flight
      case "review.submitted":
        this.reviewsSubmitted.set(paper, (this.reviewsSubmitted.get(paper) ?? 0) + 1);
        break;
      case "paper.decided":
        this.decided += 1;
        if (p.decision === "Accept") this.accepted += 1;
        this.closedPapers.add(paper);
        break;
    }
  }

  /** Novel ideas between assessment and a written paper (or failure): the ones in the sandbox or being written. */
  get running(): number {
    return Math.max(0, this.novel - this.written - this.failed);
  }

  get reviewsInFlight(): number {
    let n = 0;
    for (const [paper, requested] of this.reviewsRequested) {
      if (!this.closedPapers.has(paper)) n += Math.max(0, requested - (this.reviewsSubmitted.get(paper) ?? 0));
    }
    return n;
  }

  /** Most important first: a narrow terminal cuts the end of the line. */
  statusLine(elapsedMs: number): string {
    return (
      `${(elapsedMs / 1000).toFixed(0)}s ideas proposed ${this.proposed} · novel ${this.novel} · running ${this.running} · ` +
      `written ${this.written} · decided ${this.decided} · reviews in flight ${this.reviewsInFlight} │ ` +
      `accepted ${this.accepted} · dropped ${this.dropped + this.failed} · ${this.messages} messages`
    );
  }
}
