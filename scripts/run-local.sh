#!/usr/bin/env bash
# Runs the whole product locally: Azurite (storage), the Alibaba Cloud emulator (VOD + STS + OSS) and the Functions app
# under an Azure Functions host — Core Tools' `func` when it is on the PATH, else the host in $FUNCTIONS_HOST_DIR (a
# folder with run.sh). Each runs in its own process group; Ctrl+C stops them all. Nothing is installed globally.
#
# Ports (checked before anything starts): Azurite 10000-10002, emulator 5080, app 7071. Data in .local/.
# VOD_LOCAL_CORS: origins a local page may call the app from (default http://127.0.0.1:8080,http://localhost:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="$root/.local"
app_port=7071 emulator_port=5080
cors=${VOD_LOCAL_CORS:-http://127.0.0.1:8080,http://localhost:8080}
mkdir -p "$state"

say() { printf '%s\n' "$*"; }
fail() { printf 'run-local: %s\n' "$*" >&2; exit 1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- which host ----------------------------------------------------------------------------------------------------
host_kind=none
if command -v func >/dev/null 2>&1; then
  host_kind=func
elif [ -n "${FUNCTIONS_HOST_DIR:-}" ] && [ -x "$FUNCTIONS_HOST_DIR/run.sh" ]; then
  host_kind=dir
elif [ -n "${FUNCTIONS_HOST_DIR:-}" ]; then
  fail "FUNCTIONS_HOST_DIR=$FUNCTIONS_HOST_DIR has no executable run.sh"
fi

# --- ports are free --------------------------------------------------------------------------------------------------
ports=(10000 10001 10002 "$emulator_port")
[ "$host_kind" = none ] || ports+=("$app_port")
for port in "${ports[@]}"; do
  listening "$port" && fail "port $port on 127.0.0.1 is already in use (another run-local, Azurite or Functions host?): stop it first"
done

# --- build only what runs --------------------------------------------------------------------------------------------
say "==> tooling and build"
[ -f tests/tooling/node_modules/azurite/dist/src/azurite.js ] || npm ci --prefix tests/tooling --no-audit --no-fund --loglevel=error
dotnet build functions/Vod.Emulator -c Release --nologo -v quiet -clp:ErrorsOnly
[ "$host_kind" = none ] || dotnet build functions/Vod.Functions -c Release --nologo -v quiet -clp:ErrorsOnly
app_dir="$root/functions/Vod.Functions/bin/Release/net10.0"

# --- process groups, all stopped on exit -----------------------------------------------------------------------------
groups=()
stop_all() {
  trap - EXIT INT TERM
  for pgid in "${groups[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  sleep 1
  for pgid in "${groups[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'say ""; say "==> stopping"; exit 130' INT TERM
start_group() { # log file, command...
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 < /dev/null &
  groups+=($!)
}
wait_for() { # what, seconds, pid, test command...
  local what=$1 seconds=$2 pid=$3; shift 3
  for _ in $(seq 1 $((seconds * 2))); do
    "$@" && return 0
    kill -0 "$pid" 2>/dev/null || fail "$what exited during start-up; see its log"
    sleep 0.5
  done
  fail "$what is not ready after ${seconds} s; see its log"
}
azurite_ready() { listening 10000 && listening 10001 && listening 10002; }
emulator_ready() { curl -fsS "http://127.0.0.1:$emulator_port/_emulator/health" >/dev/null 2>&1; }

say "==> Azurite (blob 10000, queue 10001, table 10002; data and log in .local/)"
start_group "$state/azurite.log" node tests/tooling/node_modules/azurite/dist/src/azurite.js --location "$state/azurite" \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 --skipApiVersionCheck --loose --disableTelemetry
wait_for "Azurite (log: .local/azurite.log)" 60 "${groups[-1]}" azurite_ready

say "==> Alibaba Cloud emulator on http://127.0.0.1:$emulator_port (Release; state kept in .local/emulator across runs, log .local/emulator.log)"
start_group "$state/emulator.log" dotnet functions/Vod.Emulator/bin/Release/net10.0/Vod.Emulator.dll \
  --urls "http://127.0.0.1:$emulator_port" --data-dir "$state/emulator" \
  --callback-url "http://127.0.0.1:$app_port/api/vod/callback" --callback-auth-key dev-callback-key
wait_for "the emulator (log: .local/emulator.log)" 60 "${groups[-1]}" emulator_ready

settings=functions/Vod.Functions/local.settings.json
[ -f "$settings" ] || cp local.settings.sample.json "$settings"

cli_hint() {
  say "Upload with the CLI instead (Azurite and the emulator are running):"
  say "  ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tEmulatorDevKey ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-dev-secret-not-for-production \\"
  say "    dotnet run --project functions/Vod.Cli -- upload <file> --vod-endpoint http://127.0.0.1:$emulator_port"
}

if [ "$host_kind" = none ]; then
  say ""
  say "No Azure Functions host found, so the app is not started. Either:"
  say "  - install Azure Functions Core Tools 4 (puts 'func' on the PATH), e.g. 'npm install --global azure-functions-core-tools@4'"
  say "    or a package from https://learn.microsoft.com/azure/azure-functions/functions-run-local, then run this again; or"
  say "  - set FUNCTIONS_HOST_DIR to a folder holding an Azure Functions host with its run.sh, then run this again."
  cli_hint
  say "Ctrl+C stops Azurite and the emulator."
  wait
  exit 0
fi

host_state="$state/functions-host"
mkdir -p "$host_state"
if [ "$host_kind" = func ]; then
  say "==> the app under Core Tools (func start) on http://127.0.0.1:$app_port (log .local/functions.log)"
  # Core Tools reads the local settings beside the app and takes CORS from its command line.
  start_group "$state/functions.log" bash -c 'cd "$1" && shift && exec "$@"' run-local "$app_dir" \
    func start --port "$app_port" --cors "$cors"
else
  say "==> the app under the Functions host in \$FUNCTIONS_HOST_DIR on http://127.0.0.1:$app_port (log .local/functions.log)"
  # The host reads CORS from these variables (local.settings.json's "Host" section is read by Core Tools only). A host
  # built without language workers needs an empty workers folder to start (the app describes its own worker).
  cors_json=$(printf '%s' "$cors" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split(",")))')
  workers=()
  if [ ! -d "$FUNCTIONS_HOST_DIR/host/workers" ] && [ ! -d "$FUNCTIONS_HOST_DIR/workers" ]; then
    mkdir -p "$state/workers"; workers=("languageWorkers__workersDirectory=$state/workers")
  fi
  start_group "$state/functions.log" env FUNCTIONS_HOST_STATE="$host_state" FUNCTIONS_ENABLE_CORS_CONFIGURATION=1 \
    CORS_ALLOWED_ORIGINS="$cors_json" "${workers[@]}" "$FUNCTIONS_HOST_DIR/run.sh" "$app_dir" "$app_port"
fi

keys_file="$host_state/secrets/host.json"
key_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1],encoding="utf-8-sig")); print(d["masterKey"]["value"] if sys.argv[2]=="master" else [k["value"] for k in d["functionKeys"] if k["name"]=="default"][0])' "$keys_file" "$1"; }
host_ready() {
  local code=""
  if [ "$host_kind" = dir ]; then [ -f "$keys_file" ] || return 1; code=$(key_of master); fi
  curl -fsS "http://127.0.0.1:$app_port/admin/host/status?code=$code" 2>/dev/null | grep -q '"Running"'
}
wait_for "the Functions host (log: .local/functions.log)" 180 "${groups[-1]}" host_ready

key="" master=""
if [ "$host_kind" = dir ]; then key=$(key_of default); master=$(key_of master); fi
app="http://127.0.0.1:$app_port"
cat <<INFO

VodFunctions is running.
  app            $app        (log .local/functions.log)
  function key   ${key:-"(Core Tools does not check keys)"}
  master key     ${master:-"(Core Tools does not check keys)"}   (admin: POST $app/admin/functions/Reconciliation?code=…)
  emulator       http://127.0.0.1:$emulator_port   (index: http://127.0.0.1:$emulator_port/_emulator/ ; state kept in .local/emulator)
  storage        Azurite, connection string UseDevelopmentStorage=true
  CORS           pages on $cors may call the app (send a function key as x-functions-key)
  browser key    the key above also opens the management API: give a page a key of the AppServer functions only,
                 e.g. for each of UploadVideoAuth RefreshUploadVideoAuth UploadImageAuth StsToken ClaimVideo:
                 curl -X PUT "$app/admin/functions/<name>/keys/browser?code=<master key>" -H 'content-type: application/json' -d '{"name":"browser","value":"<one value>"}'

Drop a file to upload it (the app creates the vod-incoming container; Azurite's well-known dev account):
  az storage blob upload --connection-string UseDevelopmentStorage=true -c vod-incoming -f movie.mp4 -n movie.mp4
and watch it:
  curl "$app/api/uploads?code=$key"
The README's management examples work as written with:  key=$key; app=$app

Ctrl+C stops everything.
INFO
wait
