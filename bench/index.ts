/** `npm run bench`: each section measures one part of the swarm and prints its figures. */

import { sandboxBench } from "./sandbox-bench.ts";

const sections: Record<string, () => Promise<unknown>> = {
  sandbox: () => sandboxBench(),
};

const only = process.argv.slice(2);
for (const [name, section] of Object.entries(sections)) {
  if (only.length > 0 && !only.includes(name)) continue;
  await section();
}
