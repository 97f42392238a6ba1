#!/usr/bin/env node
// The `scientist` command: TypeScript sources run through tsx, so there is no build step to forget.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
await main(process.argv);
