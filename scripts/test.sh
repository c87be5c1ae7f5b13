#!/usr/bin/env bash
# Sets up everything the tests need and runs every test. This is the README's test command; .ci/run calls it.
#   - npm ci of the test tooling (Alibaba's official clients, Azurite) from the committed lock file
#   - dotnet restore and build (warnings are errors)
#   - dotnet test of every test project, with each suite's own report lines (case counts, figures) shown
#   - the end-to-end suite (tests/Vod.EndToEnd) runs the app under a Functions host found through FUNCTIONS_HOST_DIR
#     (a folder with run.sh) or `func` on the PATH; without one its tests are skipped with the reason
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> test tooling (npm ci in tests/tooling)"
npm ci --prefix tests/tooling --no-audit --no-fund --loglevel=error

echo "==> restore and build"
dotnet restore VodFunctions.sln --nologo -v quiet
dotnet build VodFunctions.sln --nologo --no-restore -c Release -v quiet -clp:ErrorsOnly

echo "==> tests"
results=$(mktemp -d)
set +e
dotnet test VodFunctions.sln --nologo --no-build -c Release \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" 2>&1 | tee "$results/console.log" | grep -vE '^\s*$|^\s+Passed |^\[xUnit.net'
status=${PIPESTATUS[0]}
set -e

# The suites report figures (interop case counts, mismatches) through the test output; show them once more together.
echo "==> reports"
grep -hoE '(interop cases|VOD/STS signature V2|VOD signature V3|OSS V[14]|REPORT)[^<]*' "$results"/*.trx | sort -u || true

count() { grep -hoE "$1=\"[0-9]+\"" "$results"/*.trx | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(count passed)
failed=$(count failed)
skipped=$(count notExecuted)
# The end-to-end suite is skipped (reason on each test) where no Functions host is found; say so once.
e2e_skipped=$(grep -l 'Vod.EndToEnd' "$results"/*.trx 2>/dev/null | xargs -r grep -ho 'No Azure Functions host[^<"]*' | head -1 || true)
rm -rf "$results"
[ -n "$e2e_skipped" ] && echo "end-to-end suite skipped: $e2e_skipped"
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
