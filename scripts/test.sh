#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs and starts what the tests need, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for-tests
mkdir -p test-results
set +e
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json "$@"
status=$?
set -e
# One plain closing line that any log reader understands.
node -e '
const r = require("./test-results/vitest.json");
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit $status
