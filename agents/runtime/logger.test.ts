import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, lines };
}

describe("logs", () => {
  it("are JSON lines carrying run, agent and correlation, with secrets redacted", () => {
    const { stream, lines } = sink();
    const logger = createLogger({ destination: stream }).child({ run: "r-1", agent: "coder/h-0" });
    logger.info(
      { correlation: "idea-1", apiKey: "sk-secret", request: { headers: { authorization: "Bearer sk-secret" } } },
      "calling",
    );
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({
      run: "r-1",
      agent: "coder/h-0",
      correlation: "idea-1",
      apiKey: "[redacted]",
      msg: "calling",
    });
    expect(lines[0]).not.toContain("sk-secret");
  });
});
