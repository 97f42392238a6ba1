/** Child of the actor-scale bench: the RSS of a process that has only loaded the runtime's modules (no host). */
import "./ping-role.ts";

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
await new Promise((r) => setTimeout(r, 50));
gc?.();
const m = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`,
);
