/** Public surface of agents/review-bench: the reviewer benchmark against ICLR 2022 decisions. */
export { runReviewBench, modelUnavailable, type BenchReport, type BenchPaperResult, type MetricsRow } from "./bench.ts";
export { formatBenchReport } from "./format.ts";
export { stripLeak, isHeading, type StrippedPaper } from "./strip-leak.ts";
export {
  loadIclrData,
  parseRatings,
  stratifiedSample,
  type HumanRating,
  type IclrData,
  type Decision,
} from "./dataset.ts";
export {
  accuracy,
  balancedAccuracy,
  f1,
  auc,
  pearson,
  spearman,
  averageRanks,
  confusion,
  metricsOf,
  type Judged,
  type Metrics,
} from "./metrics.ts";
export {
  parseSeedReviews,
  loadSeedSetting,
  baselineRow,
  type SeedSetting,
  type BaselineRow,
} from "./seed-baselines.ts";
export { parseCsv } from "./csv.ts";
export {
  runPanel,
  benchState,
  draftedEnvelope,
  ideaIdFor,
  PANEL_ROLES,
  type PanelPaper,
  type PanelOutcome,
} from "./panel-run.ts";
export { ReviewBenchError, type ReviewBenchErrorCode } from "./errors.ts";
