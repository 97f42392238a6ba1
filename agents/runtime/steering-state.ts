import { controlSchemas, isControlType, type Envelope } from "../../bus/index.ts";

/** One operator intervention as the report lists it. */
export interface Intervention {
  at: string;
  type: string;
  payload: unknown;
  from: string;
  /** The message id, so a trace and a replay can find it. */
  id: string;
}

/** What a role's policy may read of the operator's steering (notes for an idea, constraints on new ideas). */
export interface SteeringView {
  notesFor(ideaId: string): string[];
  constraints(): string[];
  isStopped(ideaId: string): boolean;
}

type Waiter = { check: () => boolean; resolve: () => void };

/**
 * The run's steering as one host has seen it on the stream: which roles are paused, which ideas were stopped, the
 * notes and constraints. Pure apart from waiters: the watcher (steering-watch.ts) feeds it control.* messages in
 * stream order, the handler asks it whether to hold or skip a delivery.
 */
export class SteeringState implements SteeringView {
  private runPaused = false;
  private readonly pausedRoles = new Set<string>();
  private readonly stopped = new Map<string, string>();
  private readonly notes = new Map<string, string[]>();
  private readonly constraintTexts: string[] = [];
  private readonly seen = new Set<string>();
  private waiters: Waiter[] = [];
  /** Deliveries held because their role is paused, by role (tests and the page read it). */
  readonly holding = new Map<string, number>();
  readonly interventions: Intervention[] = [];
  private readonly budgetListeners: Array<(key: string, value: number) => void> = [];

  /** Called for each live budget change (the host hands `usd` to the model budget). */
  onBudget(listener: (key: string, value: number) => void): void {
    this.budgetListeners.push(listener);
  }

  /** Applies one control message (others are ignored); a message seen twice applies once. */
  apply(envelope: Envelope): void {
    if (!isControlType(envelope.type) || this.seen.has(envelope.id)) return;
    const parsed = controlSchemas[envelope.type].safeParse(envelope.payload);
    if (!parsed.success) return; // the handler dead-letters it where a role consumes it; here it changes nothing
    this.seen.add(envelope.id);
    const { at, type, from, id } = envelope;
    this.interventions.push({ at, type, payload: parsed.data, from, id });
    const p = parsed.data as Record<string, unknown>;
    switch (envelope.type) {
      case "control.paused":
        if (p.role === null) this.runPaused = true;
        else this.pausedRoles.add(String(p.role));
        break;
      case "control.resumed":
        // Resuming the run lifts every pause; resuming one role lifts that role's own pause only.
        if (p.role === null) {
          this.runPaused = false;
          this.pausedRoles.clear();
        } else this.pausedRoles.delete(String(p.role));
        break;
      case "control.idea-stopped":
        this.stopped.set(String(p.ideaId), String(p.reason));
        break;
      case "control.noted":
        this.notes.set(String(p.ideaId), [...(this.notes.get(String(p.ideaId)) ?? []), String(p.text)]);
        break;
      case "control.constrained":
        this.constraintTexts.push(String(p.text));
        break;
      case "control.budget-changed":
        // ideas and the in-flight limit are the ideator's (it consumes them); listeners take the rest.
        for (const listener of this.budgetListeners) listener(String(p.key), Number(p.value));
        break;
      default:
        break; // promote is the ideator's
    }
    this.wake();
  }

  isPaused(role: string): boolean {
    return this.runPaused || this.pausedRoles.has(role);
  }

  /** Whole-run pause state and the roles paused on their own (for the page and `steer`). */
  pauses(): { run: boolean; roles: string[] } {
    return { run: this.runPaused, roles: [...this.pausedRoles].sort() };
  }

  isStopped(ideaId: string): boolean {
    return this.stopped.has(ideaId);
  }

  stopReason(ideaId: string): string | null {
    return this.stopped.get(ideaId) ?? null;
  }

  notesFor(ideaId: string): string[] {
    return [...(this.notes.get(ideaId) ?? [])];
  }

  constraints(): string[] {
    return [...this.constraintTexts];
  }

  /**
   * Resolves once `role` is not paused (at once when it is not). `keepAlive` runs while it waits is the caller's
   * business (the handler's heartbeat already keeps the delivery's lease); abort resolves it too.
   */
  async whenRunning(role: string, signal: AbortSignal): Promise<void> {
    if (!this.isPaused(role) || signal.aborted) return;
    this.holding.set(role, (this.holding.get(role) ?? 0) + 1);
    this.wake();
    try {
      await new Promise<void>((resolve) => {
        const waiter: Waiter = { check: () => !this.isPaused(role) || signal.aborted, resolve };
        this.waiters.push(waiter);
        signal.addEventListener("abort", () => this.wake(), { once: true });
      });
    } finally {
      this.holding.set(role, (this.holding.get(role) ?? 1) - 1);
      this.wake();
    }
  }

  /** Resolves when `predicate` holds (checked now and after every change): tests await steering without sleeping. */
  until(predicate: (state: SteeringState) => boolean): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check: () => predicate(this), resolve }));
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** The idea a delivery belongs to: its payload's ideaId, else its correlation. */
export function ideaOf(envelope: Envelope): string {
  const p = envelope.payload as { ideaId?: unknown } | null;
  return typeof p?.ideaId === "string" ? p.ideaId : envelope.correlation;
}
