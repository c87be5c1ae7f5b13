#!/usr/bin/env bash
# Sets up and runs VodFunctions locally: Azurite (storage), the Alibaba Cloud emulator (VOD + OSS), and the Functions
# app under Azure Functions Core Tools (installed when missing). Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="$root/.local"
mkdir -p "$state"

echo "==> tooling and build"
npm ci --prefix tests/tooling --no-audit --no-fund --loglevel=error
dotnet build VodFunctions.sln --nologo -v quiet -clp:ErrorsOnly

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

echo "==> Azurite (blob 10000, queue 10001, table 10002; data in .local/azurite)"
node tests/tooling/node_modules/azurite/dist/src/azurite.js --location "$state/azurite" --silent \
  --skipApiVersionCheck --loose --disableTelemetry > "$state/azurite.log" 2>&1 &
pids+=($!)

echo "==> Alibaba Cloud emulator on http://127.0.0.1:5080 (data in .local/emulator)"
dotnet tests/Vod.Emulator/bin/Debug/net10.0/Vod.Emulator.dll --urls http://127.0.0.1:5080 --data-dir "$state/emulator" \
  --callback-url http://127.0.0.1:7071/api/vod/callback --callback-auth-key dev-callback-key \
  > "$state/emulator.log" 2>&1 &
pids+=($!)
sleep 3

settings=functions/Vod.Functions/local.settings.json
[ -f "$settings" ] || cp local.settings.sample.json "$settings"

if ! command -v func >/dev/null 2>&1; then
  echo "==> installing Azure Functions Core Tools"
  npm install --global azure-functions-core-tools@4 --no-audit --no-fund --loglevel=error >/dev/null 2>&1 || true
fi

if command -v func >/dev/null 2>&1; then
  cat <<INFO

Drop a file to upload it (the app creates the vod-incoming container when it starts; Azurite's well-known dev account):
  az storage blob upload --connection-string UseDevelopmentStorage=true -c vod-incoming -f movie.mp4 -n movie.mp4
or start one through the API (local function keys are not checked by Core Tools):
  curl -X POST http://localhost:7071/api/uploads -H 'content-type: application/json' -d '{"name":"movie.mp4"}'
and watch it: curl http://localhost:7071/api/uploads   |   emulator state: curl http://127.0.0.1:5080/_emulator/state

INFO
  cd functions/Vod.Functions
  func start --port 7071
else
  echo "Azure Functions Core Tools could not be installed on this machine (its installer downloads from a host that is not reachable); Azurite and the emulator are running — upload with the CLI instead: ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tEmulatorDevKey ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-dev-secret-not-for-production dotnet run --project functions/Vod.Cli -- upload <file> --vod-endpoint http://127.0.0.1:5080"
  wait
fi
