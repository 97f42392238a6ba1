export type ReviewBenchErrorCode =
  | "BENCH_NO_DATA" // the ICLR 2022 folder is missing or lacks a file
  | "BENCH_BAD_DATA" // a data file does not have the shape the original wrote
  | "BENCH_BAD_ARGUMENT" // a flag's value is out of range
  | "BENCH_NO_ABSTRACT" // a paper text has no abstract heading, so its header cannot be stripped safely
  | "BENCH_UNKNOWN_RUN"; // --resume/--replay names a run whose stream has no bench papers

export class ReviewBenchError extends Error {
  readonly code: ReviewBenchErrorCode;
  constructor(code: ReviewBenchErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ReviewBenchError";
    this.code = code;
  }
}
