#!/usr/bin/env bash
# Sets up everything the tests need and runs every test. This is the README's test command; .ci/run calls it.
#   - npm ci of the test tooling (Alibaba's official clients, Azurite) from the committed lock file
#   - dotnet restore and build (warnings are errors)
#   - dotnet test of every test project, with each suite's own report lines (case counts, figures) shown
#   - the end-to-end suite (tests/Vod.EndToEnd) runs the app under a Functions host found through FUNCTIONS_HOST_DIR
#     (a folder with run.sh) or `func` on the PATH; without one its tests are skipped with the reason
#
# Usage: scripts/test.sh [--repeat N] [--stress]
#   --repeat N  after one set-up, run the whole suite N times; print each run's closing line, then the totals
#   --stress    keep every core busy with a CPU hog (one busy loop per core) while the suite runs, as on a loaded
#               CI machine; together they prove the suite green every time: scripts/test.sh --repeat 5 --stress
set -euo pipefail
cd "$(dirname "$0")/.."

repeat=1
stress=0
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat)
      [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "test.sh: --repeat takes a whole number of runs (1 or more)" >&2; exit 2; }
      repeat=$2
      shift 2
      ;;
    --stress) stress=1; shift ;;
    *) echo "test.sh: unknown option '$1' (options: --repeat N, --stress)" >&2; exit 2 ;;
  esac
done

echo "==> test tooling (npm ci in tests/tooling)"
npm ci --prefix tests/tooling --no-audit --no-fund --loglevel=error

echo "==> restore and build"
dotnet restore VodFunctions.sln --nologo -v quiet
dotnet build VodFunctions.sln --nologo --no-restore -c Release -v quiet -clp:ErrorsOnly

hogs=()
stop_hogs() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done; hogs=(); }
trap stop_hogs EXIT INT TERM
if [ "$stress" = 1 ]; then
  cores=$(nproc)
  echo "==> stress: $cores CPU hogs (one busy loop per core) until the runs end"
  for _ in $(seq "$cores"); do
    bash -c 'while :; do :; done' &
    hogs+=($!)
  done
fi

# Runs the suite once; prints its report lines and sets $passed, $failed, $skipped and $status.
run_suite() {
  local results
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
  if [ -n "$e2e_skipped" ]; then echo "end-to-end suite skipped: $e2e_skipped"; fi
}

if [ "$repeat" = 1 ]; then
  echo "==> tests"
  run_suite
  echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
  exit "$status"
fi

summary=()
total_passed=0
total_failed=0
worst=0
for run in $(seq "$repeat"); do
  echo "==> tests, run $run of $repeat$([ "$stress" = 1 ] && echo ' (under stress)')"
  started=$(date +%s)
  run_suite
  line="run $run/$repeat: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped ($(( $(date +%s) - started )) s)"
  echo "$line"
  summary+=("$line")
  total_passed=$(( total_passed + ${passed:-0} ))
  total_failed=$(( total_failed + ${failed:-0} ))
  [ "$status" = 0 ] || worst=$status
done

echo "==> every run"
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
exit "$worst"
