import { Command } from "commander";
import { registerAgent } from "./commands/agent.ts";
import { registerCluster } from "./commands/cluster.ts";
import { registerCreds } from "./commands/creds.ts";
import { registerDoctor } from "./commands/doctor.ts";
import { registerRoles } from "./commands/roles.ts";
import { registerReviewBench } from "./commands/review-bench.ts";
import { registerResume } from "./commands/resume.ts";
import { registerRun } from "./commands/run.ts";
import { registerRuns } from "./commands/runs.ts";
import { registerSandbox } from "./commands/sandbox.ts";
import { registerSteer } from "./commands/steer.ts";
import { registerTrace } from "./commands/trace.ts";
import { registerUi } from "./commands/ui.ts";

export function buildProgram(): Command {
  const program = new Command()
    .name("scientist")
    .description("The AI Scientist as a swarm of XState agents over NATS JetStream, with sandboxed experiments")
    .version("0.1.0");
  registerRun(program);
  registerResume(program);
  registerRuns(program);
  registerAgent(program);
  registerRoles(program);
  registerCreds(program);
  registerCluster(program);
  registerTrace(program);
  registerSteer(program);
  registerUi(program);
  registerDoctor(program);
  registerSandbox(program);
  registerReviewBench(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `scientist trace … | head` closes the pipe early; that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  await buildProgram().parseAsync(argv);
}
