/** Pieces the adversarial cases share: the Python prelude every attack starts with, and the addresses it aims at. */

/**
 * Imports, the marker (always the last argv item, so children and relaunches keep it), `attempt` (runs one
 * escape try and says how it went, never raising) and `finish` (the seed's run_0/final_info.json, so an attack
 * that exits cleanly counts as an ok experiment).
 */
export const pythonPrelude = [
  "import json, os, resource, signal, socket, subprocess, sys, time",
  "MARKER = sys.argv[-1]",
  "def attempt(action):",
  "    try:",
  "        return 'ran: ' + repr(action())[:400]",
  "    except BaseException as error:",
  "        return f'{type(error).__name__}: {str(error)[:120]}'",
  "def finish(means):",
  "    os.makedirs('run_0', exist_ok=True)",
  "    json.dump({'selftest': {'means': means}}, open('run_0/final_info.json', 'w'))",
  "",
].join("\n");

/** Public addresses (DNS, HTTPS) and every given host endpoint. */
export function hostEndpointTargets(endpoints: { host: string; port: number }[]): [string, number][] {
  return [
    ["1.1.1.1", 53],
    ["8.8.8.8", 443],
    ...endpoints.map((endpoint): [string, number] => [endpoint.host, endpoint.port]),
  ];
}
