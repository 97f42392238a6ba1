import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import Dockerode from "dockerode";
import type { Command } from "commander";
import { createDockerSandbox, dockerEngineReachable, imageTag, limitsFromSettings } from "../../sandbox/index.ts";
import { redactUrl } from "../../bus/index.ts";
import { corpusPath } from "../../agents/runtime/index.ts";
import { builtinRoles } from "../../agents/roles/index.ts";
import { llmKeyVariable, type SwarmConfig } from "../../config/index.ts";
import { chooseImage, loadTemplate, probeTemplate } from "../../templates/index.ts";
import { boot, fail } from "../boot.ts";

const run = promisify(execFile);

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix: string | null;
}

async function version(cmd: string, args: string[]): Promise<string | null> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 10_000 });
    return (stdout || stderr).trim().split("\n")[0] ?? "";
  } catch {
    return null;
  }
}

/**
 * The run's template: which image it runs in and why (template.yaml, or its imports), whether that is built, and,
 * when it is, the boot probe's verdict (its imports checked against the image, its knobs counted).
 */
async function templateImageCheck(config: SwarmConfig, docker: Dockerode | null): Promise<Check> {
  const dir = config.run.template;
  try {
    const template = await loadTemplate(dir);
    const choice = chooseImage(template, config.sandbox.image);
    const built = docker
      ? await docker
          .getImage(imageTag(choice.image))
          .inspect()
          .then(
            () => true,
            () => false,
          )
      : false;
    const how = template.hasParamsBlock
      ? "params block"
      : Object.keys(template.config.space).length
        ? "template.yaml space"
        : "space inferred at boot";
    let probed = "";
    if (built && docker) {
      const sandbox = createDockerSandbox({ docker, cacheDir: config.sandbox.cacheDir });
      try {
        const probe = await probeTemplate(template, sandbox, choice.image, limitsFromSettings(config.sandbox));
        probed = template.hasParamsBlock
          ? ", imports all present"
          : `, imports all present, ${probe.knobs.length} knob(s) in experiment.py`;
      } catch (error) {
        return {
          name: `template ${template.name}`,
          ok: false,
          detail: `image ${choice.image} (${choice.reason}): ${(error as Error).message}`,
          fix: "give the template an image with what it imports (template.yaml sandbox.image)",
        };
      } finally {
        await sandbox.close();
      }
    }
    return {
      name: `template ${template.name}`,
      ok: built,
      detail: `image ${choice.image} (${choice.reason}), ${built ? "built" : "missing"}; ${how}${probed}`,
      fix: built
        ? null
        : `node bin/scientist.mjs sandbox build ${choice.image}${choice.image === "python-torch" ? " (~12 min the first time)" : ""}`,
    };
  } catch (error) {
    return {
      name: "template",
      ok: false,
      detail: `${dir}: ${(error as Error).message}`,
      fix: "fix the template, or pick another with --template / run.template",
    };
  }
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description(
      "check what the swarm needs (Node, nats-server, Docker or bwrap, sandbox images, corpus) and say how to fix what is missing",
    )
    .option("-c, --config <file>", "swarm config YAML")
    .option("--template <name|path>", "the research template to check (which image it runs in, and why)")
    .action(async (opts: { config?: string; template?: string }) => {
      try {
        const { config } = await boot({ config: opts.config, overrides: { template: opts.template } });
        const checks: Check[] = [];
        const major = Number(process.versions.node.split(".")[0]);
        checks.push({
          name: "node",
          ok: major >= 20,
          detail: process.version,
          fix: major >= 20 ? null : "install Node.js 20 or later",
        });
        const nats = await version("nats-server", ["--version"]);
        checks.push({
          name: "nats-server",
          ok: nats !== null || config.nats.url !== null,
          detail: nats ?? (config.nats.url ? `using ${redactUrl(config.nats.url)}` : "not found"),
          fix: nats ? null : "apt-get install -y nats-server",
        });
        const docker = new Dockerode();
        const engine = await dockerEngineReachable(docker);
        checks.push({
          name: "docker engine",
          ok: engine.ok,
          detail: engine.ok ? "reachable" : engine.why,
          fix: engine.ok ? null : "apt-get install -y docker.io && (dockerd >/var/log/dockerd.log 2>&1 &)",
        });
        const bwrap = await version("bwrap", ["--version"]);
        checks.push({
          name: "bwrap",
          ok: bwrap !== null,
          detail: bwrap ?? "not found",
          fix: bwrap ? null : "apt-get install -y bubblewrap",
        });
        const image = engine.ok
          ? await docker
              .getImage(imageTag(config.sandbox.image))
              .inspect()
              .then(
                () => true,
                () => false,
              )
          : false;
        checks.push({
          name: `image ${imageTag(config.sandbox.image)}`,
          ok: image,
          detail: image ? "built" : "missing (built automatically on first use, ~2 min)",
          fix: image ? null : `node bin/scientist.mjs sandbox build ${config.sandbox.image}`,
        });
        checks.push(await templateImageCheck(config, engine.ok ? docker : null));
        const debootstrap = await version("debootstrap", ["--version"]);
        checks.push({
          name: "debootstrap",
          ok: debootstrap !== null,
          detail: debootstrap ?? "not found",
          fix: debootstrap ? null : "apt-get install -y debootstrap",
        });
        const latex = engine.ok
          ? await docker
              .getImage(imageTag("latex"))
              .inspect()
              .then(
                () => true,
                () => false,
              )
          : false;
        checks.push({
          name: `image ${imageTag("latex")}`,
          ok: latex,
          detail: latex
            ? "built (LaTeX compiles in the sandbox, never on the host)"
            : "missing (needed for PDF papers only)",
          fix: latex ? null : "node bin/scientist.mjs sandbox build latex",
        });
        const keyVariable = llmKeyVariable[config.llm.provider];
        const llmNeeded = config.run.policy === "llm" || Object.values(config.roles).some((r) => r.policy === "llm");
        checks.push({
          name: `model key (${config.llm.provider})`,
          ok: config.llm.apiKey !== null || !llmNeeded,
          // Never print the key itself, only whether it is set.
          detail: config.llm.apiKey
            ? `${keyVariable} is set`
            : `${keyVariable} is not set${llmNeeded ? "" : " (only needed with --policy llm)"}`,
          fix: config.llm.apiKey || !llmNeeded ? null : `export ${keyVariable}=...`,
        });
        const corpus = corpusPath(config, builtinRoles);
        checks.push({
          name: "literature corpus",
          ok: existsSync(corpus),
          detail: corpus,
          fix: existsSync(corpus) ? null : "set roles.novelty.config.corpus to a JSONL file",
        });
        for (const c of checks)
          process.stdout.write(
            `${c.ok ? "ok  " : "MISS"} ${c.name.padEnd(30)} ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ""}\n`,
          );
        // bwrap and the LaTeX image are optional: the Docker engine covers the first, Markdown papers the second.
        const missing = checks.filter(
          (c) => !c.ok && c.name !== "bwrap" && !c.name.startsWith(`image ${imageTag("latex")}`),
        );
        process.exit(missing.length ? 1 : 0);
      } catch (error) {
        fail(error);
      }
    });
}
