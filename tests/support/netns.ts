import { execFile, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One simulated host: a network namespace with one address, reachable only from the other namespaces. */
export interface NetnsHost {
  name: string;
  address: string;
}

export interface NetnsHosts {
  hosts: NetnsHost[];
  /**
   * Starts a process inside a host's network namespace only (nsenter --net): its own network, the same mount
   * namespace. `ip netns exec` would also give it a private mount namespace, where the sandbox's loop-mounted
   * work dir is invisible to dockerd.
   */
  spawnIn(host: NetnsHost, command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Deletes the namespaces (their veths and bridge go with them); safe to call twice. */
  cleanup(): Promise<void>;
}

const ip = (...args: string[]) => run("ip", args);

/** Whether this process may create network namespaces (root, iproute2 and nsenter present); the reason if not. */
export async function netnsProblem(): Promise<string | null> {
  if (process.getuid?.() !== 0) return "not root: ip netns needs CAP_SYS_ADMIN";
  const probe = `sci-probe-${process.pid}`;
  try {
    await ip("netns", "add", probe);
    await run("nsenter", [`--net=/var/run/netns/${probe}`, "--", "true"]);
    return null;
  } catch (error) {
    return `ip netns / nsenter unusable: ${(error as Error).message.split("\n")[0]}`;
  } finally {
    await ip("netns", "del", probe).catch(() => undefined);
  }
}

/**
 * `count` hosts as network namespaces on one bridge that lives inside the first one: host i has 10.77.0.i/24 and
 * nothing else, so the root namespace (and this test process) cannot reach any of them, and they reach each other
 * only over their veth links.
 */
export async function createNetnsHosts(prefix: string, count: number): Promise<NetnsHosts> {
  const hosts: NetnsHost[] = Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i + 1}`,
    address: `10.77.0.${i + 1}`,
  }));
  const cleanup = async () => {
    await Promise.all(hosts.map((h) => ip("netns", "del", h.name).catch(() => undefined)));
  };
  try {
    for (const h of hosts) {
      await ip("netns", "add", h.name);
      await ip("-n", h.name, "link", "set", "lo", "up");
    }
    const hub = hosts[0]!;
    await ip("-n", hub.name, "link", "add", "br0", "type", "bridge");
    await ip("-n", hub.name, "addr", "add", `${hub.address}/24`, "dev", "br0");
    await ip("-n", hub.name, "link", "set", "br0", "up");
    for (const [i, h] of hosts.entries()) {
      if (i === 0) continue;
      // Both ends are created straight inside their namespaces, so no name is ever taken in the root namespace.
      await ip("link", "add", "eth0", "netns", h.name, "type", "veth", "peer", "name", `port${i}`, "netns", hub.name);
      await ip("-n", hub.name, "link", "set", `port${i}`, "master", "br0");
      await ip("-n", hub.name, "link", "set", `port${i}`, "up");
      await ip("-n", h.name, "addr", "add", `${h.address}/24`, "dev", "eth0");
      await ip("-n", h.name, "link", "set", "eth0", "up");
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    hosts,
    spawnIn: (host, command, args, options = {}) =>
      spawn("nsenter", [`--net=/var/run/netns/${host.name}`, "--", command, ...args], options),
    cleanup,
  };
}

/**
 * Resolves with the output so far once `pattern` appears in the child's stdout or stderr; rejects if it exits first.
 */
export function waitForOutput(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        child.off("exit", onExit);
        resolve(seen);
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`${what} exited (${code}) before ${pattern}: ${seen.slice(-1500)}`));
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}
