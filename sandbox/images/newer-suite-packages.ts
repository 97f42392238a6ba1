/**
 * A few pure-Python (Architecture: all) packages the recipe's suite lacks, taken from a newer Debian suite: the
 * host's apt downloads them (checked against Debian's archive keyring, like any apt download) into a private state
 * folder, and dpkg installs them inside the rootfs. Only for packages whose Depends the rootfs already satisfies;
 * dpkg refuses anything else, and the build fails naming it.
 */
import { mkdtemp, readdir, rm, writeFile, copyFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHostCommand } from "../host-command.ts";

export interface NewerSuitePackages {
  readonly suite: string;
  readonly packages: readonly string[];
}

const keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

export async function installFromNewerSuite(
  rootfs: string,
  extra: NewerSuitePackages,
  mirror: string,
  options: { signal?: AbortSignal; onOutput?: (chunk: Buffer) => void },
): Promise<void> {
  const state = await mkdtemp(join(tmpdir(), "scientist-apt-"));
  try {
    await mkdir(join(state, "lists", "partial"), { recursive: true });
    await writeFile(join(state, "sources.list"), `deb [signed-by=${keyring}] ${mirror} ${extra.suite} main\n`);
    // Private lists, cache and status: the host's own apt state is never touched.
    const apt = [
      "-q",
      `-o=Dir::Etc::SourceList=${join(state, "sources.list")}`,
      "-o=Dir::Etc::SourceParts=/dev/null",
      `-o=Dir::State::Lists=${join(state, "lists")}`,
      `-o=Dir::Cache=${join(state, "cache")}`,
      "-o=Dir::State::status=/dev/null",
      "-o=APT::Sandbox::User=root",
    ];
    const run = (argv: string[], cwd?: string) => runHostCommand(argv, { ...options, ...(cwd && { cwd }) });
    await run(["apt-get", ...apt, "update"]);
    const debs = join(state, "debs");
    await mkdir(debs);
    await run(["apt-get", ...apt, "download", ...extra.packages], debs);
    const files = (await readdir(debs)).filter((f) => f.endsWith(".deb"));
    const inside = join(rootfs, "tmp", "newer-suite");
    await mkdir(inside, { recursive: true });
    for (const file of files) await copyFile(join(debs, file), join(inside, file));
    await run(["chroot", rootfs, "dpkg", "-i", ...files.map((f) => `/tmp/newer-suite/${f}`)]);
    await rm(inside, { recursive: true, force: true });
  } finally {
    await rm(state, { recursive: true, force: true });
  }
}
