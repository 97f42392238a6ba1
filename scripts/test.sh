#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs and starts what the tests need, then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --for-tests
mkdir -p test-results
set +e
# Types and lint are part of the suite: a type error or a floating promise fails it like a test.
echo "test: type check (tsc --noEmit)"
npx tsc --noEmit -p .
types=$?
echo "test: lint (eslint) and format (prettier --check)"
npx eslint . && npx prettier --check "**/*.ts"
lint=$?
npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json "$@"
status=$?
set -e
[ $types -eq 0 ] || { echo "test: the type check failed (see above)"; status=1; }
[ $lint -eq 0 ] || { echo "test: lint failed (see above)"; status=1; }
# One plain closing line that any log reader understands.
node -e '
const r = require("./test-results/vitest.json");
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit $status
