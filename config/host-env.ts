/**
 * config/ owns the process environment. The sandbox selftest needs to plant a fake secret in this process's
 * environment (a backend that let the host env through would leak it), so the planting lives here too.
 */
export function plantHostVariable(name: string, value: string): () => void {
  const before = process.env[name];
  process.env[name] = value;
  return () => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  };
}
