import pino from "pino";
import type { SandboxLogger } from "./index.ts";
const logger: SandboxLogger = pino();
export { logger };
