/** Child of the trace bench, its anchor: reads every message of a run's stream and decodes it, rendering nothing. */
import { connectBus, readRun } from "../bus/index.ts";

const [url, run] = process.argv.slice(2);
if (!url || !run) throw new Error("usage: read-stream-child.ts <nats-url> <run>");
const bus = await connectBus(url, { name: "bench-read" });
const stored = await readRun(bus.js, bus.jsm, run);
await bus.close();
process.stdout.write(`${stored.length}\n`);
