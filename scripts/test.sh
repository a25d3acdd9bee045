#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, types, contracts, then pytest against the real local stack.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh --test-tools
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff" && ruff check . && ruff format --check .
echo "== mypy" && mypy
echo "== event contracts" && python -m pacer_shared.catalog check
echo "== console: generated clients, types, lint, unit tests"
(cd frontend && npm run --silent client:check && npm run --silent typecheck && npm run --silent lint && npm run --silent test)

echo "== pytest"
set +e
# Two workers (PACER_TEST_WORKERS), each with a stack of its own; a module stays on one worker (its fixtures are
# built once). Most of a test's time is spent waiting for events to travel, so two workers share two cores well.
python -m pytest -n "${PACER_TEST_WORKERS:-2}" --dist loadfile --durations=15 "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure, not a pass" >&2
    exit 1
fi
exit "$status"
