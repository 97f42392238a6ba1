/**
 * The adversarial cases, as data: what the code does, the status it must end with, and what would count as a
 * breach. Shared by `scientist sandbox selftest` (runs them straight in the sandbox) and
 * tests/adversarial.e2e.test.ts (runs them through the real experimenter over NATS), so the two can't drift.
 *
 * The attacks are the ones the seed's authors saw (code relaunching itself, a terabyte of checkpoints, code editing
 * its own time limit) plus the usual escapes. Every case gets a fresh marker in its argv: a process that outlives
 * its run is found on the host by that marker.
 */

import type { SandboxStatus } from "../types.ts";
import { hostEndpointTargets, pythonPrelude } from "./case-helpers.ts";

/** What a case may know about the host it attacks (paths and ports it tries to reach). */
export interface SelftestContext {
  /** Unique per case run; every process the case starts carries it in argv. */
  marker: string;
  /** A host file outside the work dir with secret content: must stay unread and unchanged. */
  canaryPath: string;
  /** The host's template.yaml: must stay unchanged. */
  templateYamlPath: string;
  /** Its text, handed to the code as its own (work dir) copy to rewrite. */
  templateYamlText: string;
  /** A host path the code tries to create; must not exist afterwards. */
  hostTargetPath: string;
  /** Host addresses and ports (NATS, a listener) the code tries to connect to. */
  hostEndpoints: { host: string; port: number }[];
  /** The repo root on the host (the swarm's `bin/scientist.mjs` lives there). */
  repoRoot: string;
}

/** What came out of one run, however it was run (sandbox directly or through the experimenter). */
export interface SelftestOutcome {
  status: SandboxStatus;
  reason: string | null;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Files the run produced, relative path -> bytes. */
  files: Record<string, Uint8Array>;
  wallMs: number;
  image: string;
}

export interface SelftestCase {
  id: string;
  title: string;
  image: "python-ml" | "latex";
  /** How the experimenter treats it: experiments must write run_0/final_info.json to count as ok. */
  kind: "experiment" | "plot";
  files(context: SelftestContext): Record<string, string>;
  command(context: SelftestContext): string[];
  timeoutMs: number;
  /** The status the run must end with. */
  expect: SandboxStatus;
  /** Case-specific breaches (empty when contained); the runner adds the host-wide checks. */
  breaches(outcome: SelftestOutcome, context: SelftestContext, limits: { pids: number; outputBytes: number }): string[];
  /** One line on what the attack got, for the table; default: the run's reason. */
  summary?(outcome: SelftestOutcome): string;
}

const text = (bytes: Uint8Array | undefined): string =>
  bytes === undefined ? "" : Buffer.from(bytes).toString("utf8");
const experiment = (code: string): Record<string, string> => ({ "experiment.py": pythonPrelude + code });
const runExperiment = (context: SelftestContext): string[] => [
  "python3",
  "experiment.py",
  "--out_dir=run_0",
  context.marker,
];
/** The wall clock must hold: a run may end a little after its limit (kill, drain), never long after. */
const wallClockBreach = (outcome: SelftestOutcome, timeoutMs: number): string[] =>
  outcome.wallMs > timeoutMs + 10_000 ? [`ran ${outcome.wallMs} ms, past its ${timeoutMs} ms limit`] : [];

export const selftestCases: readonly SelftestCase[] = [
  {
    id: "fork-bomb",
    title: "fork bomb",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 6_000,
    expect: "timeout",
    files: () =>
      experiment(
        "n = 0\nreported = False\nwhile True:\n    try:\n        pid = os.fork()\n    except OSError as error:\n" +
          "        if not reported:\n            print(f'blocked after {n} forks: errno {error.errno}', flush=True)\n            reported = True\n" +
          "        continue\n    if pid == 0:\n        time.sleep(3600)\n        os._exit(0)\n    n += 1\n",
      ),
    command: runExperiment,
    summary: (outcome) =>
      `${/blocked after \d+ forks/.exec(outcome.stdout)?.[0] ?? "never blocked"}; killed after ${outcome.wallMs} ms`,
    breaches: (outcome, _context, limits) => {
      const blocked = /blocked after (\d+) forks/.exec(outcome.stdout);
      if (blocked === null) return ["fork never failed: no process limit was hit"];
      return Number(blocked[1]) >= limits.pids ? [`${blocked[1]} forks succeeded, limit ${limits.pids}`] : [];
    },
  },
  {
    id: "memory-bomb",
    title: "memory bomb",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 30_000,
    expect: "oom",
    // Touched pages (b'x' * n), not calloc'd ones that would never be backed.
    files: () => experiment("chunks = []\nwhile True:\n    chunks.append(bytearray(b'x') * 10_000_000)\n"),
    command: runExperiment,
    breaches: () => [],
  },
  {
    id: "checkpoint-terabyte",
    title: "1 TB of checkpoints",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 60_000,
    expect: "disk-limit",
    files: () =>
      experiment(
        "os.makedirs('run_0/checkpoints', exist_ok=True)\nchunk = os.urandom(1 << 20) * 8\nwritten, step = 0, 0\n" +
          "while written < (1 << 40):\n    with open(f'run_0/checkpoints/step_{step:07d}.pt', 'wb') as f:\n        f.write(chunk)\n" +
          "    written += len(chunk)\n    step += 1\n",
      ),
    command: runExperiment,
    breaches: () => [],
  },
  {
    id: "infinite-loop",
    title: "infinite loop past the limit",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 3_000,
    expect: "timeout",
    files: () => experiment("while True:\n    pass\n"),
    command: runExperiment,
    summary: (outcome) => `killed by the host clock after ${outcome.wallMs} ms (limit 3000 ms)`,
    breaches: (outcome) => wallClockBreach(outcome, 3_000),
  },
  {
    id: "rewrite-time-limit",
    title: "rewrites its time limit / template.yaml",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 3_000,
    expect: "timeout",
    files: (context) => ({
      ...experiment(
        "tried = {}\ny = open('template.yaml').read().replace('timeoutSeconds:', 'timeoutSeconds: 99999999 #')\n" +
          "open('template.yaml', 'w').write(y)\ntried['own copy'] = 'rewritten'\n" +
          `for path in [${JSON.stringify(context.templateYamlPath)}, '/proc/1/root' + ${JSON.stringify(context.templateYamlPath)}]:\n` +
          "    tried[path] = attempt(lambda: open(path, 'a').write('timeoutSeconds: 99999999\\n'))\n" +
          "tried['raise RLIMIT_CPU'] = attempt(lambda: resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)))\n" +
          "for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):\n    signal.signal(sig, signal.SIG_IGN)\n" +
          "tried['ignore signals'] = 'done'\nprint(json.dumps(tried), flush=True)\nwhile True:\n    time.sleep(0.5)\n",
      ),
      "template.yaml": context.templateYamlText,
    }),
    command: runExperiment,
    summary: (outcome) => {
      const report = /^\{.*\}$/m.exec(outcome.stdout);
      const tries = report === null ? {} : (JSON.parse(report[0]) as Record<string, string>);
      const hostEdits = Object.entries(tries).filter(([target]) => target.startsWith("/"));
      const failed = hostEdits.filter(([, result]) => !result.startsWith("ran")).length;
      return `rewrote its own copy; ${failed} of ${hostEdits.length} host template edits failed; killed after ${outcome.wallMs} ms (limit 3000)`;
    },
    breaches: (outcome) => wallClockBreach(outcome, 3_000),
  },
  {
    id: "relaunch",
    title: "relaunches itself / the swarm",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 20_000,
    expect: "ok",
    files: (context) =>
      experiment(
        "if '--relaunched' in sys.argv:\n    while True:\n        time.sleep(1)\ntried = {}\n" +
          `for argv in (['node', ${JSON.stringify(`${context.repoRoot}/bin/scientist.mjs`)}, 'run'], ['scientist', 'run'], ['npx', 'scientist', 'run'], ['sh', '-c', 'exec node -e 1']):\n` +
          "    tried[' '.join(argv)] = attempt(lambda: subprocess.run(argv + [MARKER], timeout=5, capture_output=True).returncode)\n" +
          "for _ in range(3):\n    subprocess.Popen([sys.executable, 'experiment.py', '--relaunched', MARKER], start_new_session=True,\n" +
          "                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n" +
          // A classic double-fork daemon that keeps stdout open: it must not hold the run open either.
          "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        signal.signal(signal.SIGHUP, signal.SIG_IGN)\n" +
          "        os.execv(sys.executable, [sys.executable, 'experiment.py', '--relaunched', MARKER])\n    os._exit(0)\n" +
          // The marker sits in sh's argv (not sleep's, which would reject it), two commands keep sh from exec'ing
          // sleep.
          "subprocess.run(['sh', '-c', f'nohup sh -c \"sleep 3600; : {MARKER}\" >/dev/null 2>&1 &'])\n" +
          "print(json.dumps(tried), flush=True)\nfinish({'relaunched': 5})\n",
      ),
    command: runExperiment,
    summary: (outcome) => {
      const report = /^\{.*\}$/m.exec(outcome.stdout);
      const tries = Object.values(report === null ? {} : (JSON.parse(report[0]) as Record<string, string>));
      return `${tries.filter((r) => r !== "ran: 0").length} of ${tries.length} swarm launches failed; 5 background copies started`;
    },
    breaches: (outcome) =>
      /"[^"]*": "ran: 0"/.test(outcome.stdout)
        ? [`the swarm started inside the sandbox: ${outcome.stdout.trim()}`]
        : [],
  },
  {
    id: "network-egress",
    title: "network egress (public + host NATS)",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 60_000,
    expect: "ok",
    files: (context) =>
      experiment(
        `targets = ${JSON.stringify(hostEndpointTargets(context.hostEndpoints))}\nreached = {}\n` +
          "for host, port in targets:\n    reached[f'{host}:{port}'] = attempt(lambda: socket.create_connection((host, port), timeout=2).close())\n" +
          "reached['dns deb.debian.org'] = attempt(lambda: socket.getaddrinfo('deb.debian.org', 80))\n" +
          "reached['docker.sock'] = attempt(lambda: socket.socket(socket.AF_UNIX).connect('/var/run/docker.sock'))\n" +
          "print(json.dumps(reached), flush=True)\nfinish({'targets': len(reached)})\n",
      ),
    command: runExperiment,
    summary: (outcome) => {
      const report = /^\{.*\}$/m.exec(outcome.stdout);
      const tries = report === null ? {} : (JSON.parse(report[0]) as Record<string, string>);
      return `${Object.values(tries).filter((r) => !r.startsWith("ran")).length} of ${Object.keys(tries).length} connections failed`;
    },
    breaches: (outcome) => {
      const reached = /^\{.*\}$/m.exec(outcome.stdout);
      if (reached === null) return ["printed no connection report"];
      return Object.entries(JSON.parse(reached[0]) as Record<string, string>)
        .filter(([, result]) => result.startsWith("ran"))
        .map(([target]) => `reached ${target}`);
    },
  },
  {
    id: "host-secrets",
    title: "reads host secrets (env key, host files)",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 30_000,
    expect: "ok",
    files: (context) =>
      experiment(
        "loot = {'environ': dict(os.environ)}\n" +
          `paths = [${JSON.stringify(context.canaryPath)}, '/proc/1/root' + ${JSON.stringify(context.canaryPath)}, '/etc/shadow', '/root/.ssh/id_rsa', '/root/.docker/config.json', '/proc/1/environ', '/proc/self/environ']\n` +
          "paths += [f'/proc/{p}/environ' for p in os.listdir('/proc') if p.isdigit()]\n" +
          "for path in paths:\n    loot[path] = attempt(lambda: open(path, 'rb').read().decode('utf8', 'replace'))\n" +
          "print(json.dumps(loot), flush=True)\nos.makedirs('run_0', exist_ok=True)\nopen('run_0/loot.json', 'w').write(json.dumps(loot))\nfinish({'paths': len(paths)})\n",
      ),
    command: runExperiment,
    summary: (outcome) => {
      const loot = /^\{.*\}$/m.exec(outcome.stdout);
      const tries = loot === null ? {} : (JSON.parse(loot[0]) as Record<string, unknown>);
      const read = Object.entries(tries).filter(
        ([key, got]) => key !== "environ" && String(got).startsWith("ran"),
      ).length;
      return `${Object.keys((tries.environ as object | undefined) ?? {}).length} env vars, ${read} of ${Object.keys(tries).length - 1} files readable (sandbox-own)`;
    },
    // The runner's host-wide check looks for the planted key and the canary's content in every output.
    breaches: () => [],
  },
  {
    id: "stdout-flood",
    title: "100 MB stdout flood",
    image: "python-ml",
    kind: "experiment",
    timeoutMs: 60_000,
    expect: "output-limit",
    files: () => experiment("chunk = 'x' * (1 << 20)\nfor _ in range(100):\n    sys.stdout.write(chunk)\n"),
    command: runExperiment,
    breaches: (outcome, _context, limits) =>
      outcome.stdout.length > limits.outputBytes
        ? [`${outcome.stdout.length} bytes of stdout came out, cap ${limits.outputBytes}`]
        : [],
  },
  {
    id: "latex-escape",
    title: "LaTeX \\write18 + \\input{/etc/passwd}",
    image: "latex",
    kind: "plot",
    timeoutMs: 120_000,
    expect: "ok",
    files: (context) => ({
      // Compiled with -shell-escape on purpose (the worst a writer could do): the shell still runs in the sandbox.
      "paper.tex":
        "\\documentclass{article}\n\\begin{document}\n" +
        `\\immediate\\write18{id > shell-escape.txt; cat ${context.canaryPath} >> shell-escape.txt 2>&1; echo pwned > ${context.hostTargetPath} 2>> shell-escape.txt; ps -e >> shell-escape.txt 2>&1}\n` +
        "\\endlinechar=-1\n\\newread\\leak \\newwrite\\out\n\\immediate\\openout\\out=passwd-leak.txt\n" +
        "\\immediate\\openin\\leak=/etc/passwd\n\\loop\\unless\\ifeof\\leak \\readline\\leak to\\leakline \\immediate\\write\\out{\\leakline}\\repeat\n" +
        `\\immediate\\closein\\leak\n\\immediate\\openin\\leak=${context.canaryPath}\n` +
        "\\loop\\unless\\ifeof\\leak \\readline\\leak to\\leakline \\immediate\\write\\out{\\leakline}\\repeat\n" +
        "\\immediate\\closein\\leak\n\\immediate\\closeout\\out\n\\endlinechar=13\n{\\catcode`\\_=12 \\input{/etc/passwd}}\n\\end{document}\n",
    }),
    command: () => ["pdflatex", "-interaction=nonstopmode", "-shell-escape", "paper.tex"],
    summary: (outcome) =>
      `\\write18 ran as ${/uid=\d+\(\w+\)/.exec(text(outcome.files["shell-escape.txt"]))?.[0] ?? "nobody (did not run)"}; read the image's /etc/passwd (${
        text(outcome.files["passwd-leak.txt"])
          .split("\n")
          .filter((l) => l.includes(":x:")).length
      } users)`,
    breaches: (outcome) => {
      const found: string[] = [];
      const escaped = text(outcome.files["shell-escape.txt"]);
      if (escaped !== "" && !escaped.includes("uid=65534"))
        found.push(`\\write18 ran as another user: ${escaped.split("\n")[0]}`);
      if (!(outcome.files["paper.pdf"]?.length ?? 0)) found.push("no PDF came out: the compile did not run to the end");
      return found;
    },
  },
];

/** A normal experiment, run after the attacks: the sandbox (and the swarm around it) must still work. */
export const healthyCase: SelftestCase = {
  id: "healthy-after",
  title: "a normal experiment afterwards",
  image: "python-ml",
  kind: "experiment",
  timeoutMs: 60_000,
  expect: "ok",
  files: () => experiment("import numpy\nfinish({'loss': float(numpy.arange(4).mean())})\n"),
  command: runExperiment,
  breaches: (outcome) =>
    text(outcome.files["run_0/final_info.json"]).includes('"loss"') ? [] : ["wrote no run_0/final_info.json"],
};
