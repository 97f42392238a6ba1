import { describe, expect, it } from "vitest";
import { extractJson } from "./json-extraction.ts";

describe("extractJson", () => {
  it("reads a reply that is JSON already", () => {
    expect(extractJson(' {"a": 1} ')).toEqual({ found: true, value: { a: 1 } });
  });

  it("reads the first parsable ```json fence", () => {
    expect(extractJson('Thoughts.\n```json\n{"a": [1, 2]}\n```\nMore.\n```json\n{"b": 2}\n```')).toEqual({
      found: true,
      value: { a: [1, 2] },
    });
  });

  it("finds the first balanced object in prose, ignoring braces inside strings", () => {
    expect(extractJson('THOUGHT: use {x}.\nNEW IDEA JSON: {"Name": "a}b", "Nested": {"k": "\\"q\\""}} done')).toEqual({
      found: true,
      value: { Name: "a}b", Nested: { k: '"q"' } },
    });
  });

  it("reports when there is no JSON at all", () => {
    expect(extractJson("I cannot produce that.")).toEqual({ found: false });
    expect(extractJson('{"truncated": ')).toEqual({ found: false });
  });
});
