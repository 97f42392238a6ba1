import Dockerode from "dockerode";
import type { Command } from "commander";
import {
  buildImage,
  buildImageFromDockerfile,
  dockerEngineReachable,
  imageRecipes,
  listImages,
} from "../../sandbox/index.ts";
import { createLogger } from "../../agents/runtime/index.ts";
import { boot, fail } from "../boot.ts";
import { registerSandboxSelftest } from "./sandbox-selftest.ts";

export function registerSandbox(program: Command): void {
  const sandbox = program.command("sandbox").description("build and list the sandbox images experiments run in");
  sandbox
    .command("build <name>")
    .description(
      `build an image offline (debootstrap rootfs → docker import); recipes: ${[...imageRecipes.keys()].join(", ")}`,
    )
    .option("-c, --config <file>", "swarm config YAML (cache dir, mirror)")
    .option("--force", "rebuild even if the image exists")
    .option("--no-docker", "only build the rootfs (for the bwrap backend)")
    .option("--dockerfile", "build from a Dockerfile on a Debian base image instead (needs a reachable registry)")
    .option("--base <image>", "base image for --dockerfile (default debian:<suite>-slim)")
    .action(
      async (
        name: string,
        opts: { config?: string; force?: boolean; docker: boolean; dockerfile?: boolean; base?: string },
      ) => {
        try {
          const { config } = await boot({ config: opts.config });
          const docker = new Dockerode();
          if (opts.dockerfile) {
            const recipe = imageRecipes.get(name);
            if (!recipe) throw new Error(`no recipe named ${name}; recipes: ${[...imageRecipes.keys()].join(", ")}`);
            const built = await buildImageFromDockerfile(recipe, {
              docker,
              base: opts.base,
              onProgress: (line) => process.stderr.write(`${line}\n`),
            });
            process.stdout.write(`${built.tag} ${built.dockerImageId} (from a Dockerfile)\n`);
            return;
          }
          const reachable = opts.docker
            ? await dockerEngineReachable(docker)
            : { ok: false as const, why: "--no-docker" };
          if (opts.docker && !reachable.ok)
            process.stderr.write(`no Docker engine (${reachable.why}); building the rootfs only\n`);
          const built = await buildImage(name, {
            docker: reachable.ok ? docker : null,
            cacheDir: config.sandbox.cacheDir,
            mirror: config.sandbox.mirror,
            force: opts.force,
            logger: createLogger({ level: "info" }),
          });
          process.stdout.write(`${built.tag} ${built.dockerImageId ?? "(rootfs only)"} rootfs=${built.rootfs}\n`);
        } catch (error) {
          fail(error);
        }
      },
    );
  sandbox
    .command("ls")
    .description("list image recipes and what is built")
    .option("-c, --config <file>", "swarm config YAML")
    .action(async (opts: { config?: string }) => {
      try {
        const { config } = await boot({ config: opts.config });
        const docker = new Dockerode();
        const reachable = await dockerEngineReachable(docker);
        for (const image of await listImages({
          cacheDir: config.sandbox.cacheDir,
          docker: reachable.ok ? docker : null,
        })) {
          process.stdout.write(
            `${image.name.padEnd(14)} ${image.tag.padEnd(28)} docker=${image.dockerImageId ? image.dockerImageId.slice(0, 19) : "no"} rootfs=${image.rootfs ? "yes" : "no"} built=${image.builtAt ?? "never"}\n`,
          );
        }
      } catch (error) {
        fail(error);
      }
    });
  registerSandboxSelftest(sandbox);
}
