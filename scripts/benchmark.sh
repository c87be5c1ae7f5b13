#!/usr/bin/env bash
# Upload benchmark: the engine (vod CLI) and ali-oss multipartUpload into the same emulator, 1 GiB then 4 GiB,
# 8 MiB parts, 5 in parallel. Prints MB/s for both, their ratio and the engine's peak working set.
# Needs ~20 GB of free disk for the 4 GiB round. Extra arguments pass through, e.g. --sizes 256MiB --parallel 8.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --prefix tests/tooling --no-audit --no-fund --loglevel=error
dotnet build VodFunctions.sln --nologo -c Release -v quiet -clp:ErrorsOnly
exec dotnet tests/Vod.Benchmarks/bin/Release/net10.0/Vod.Benchmarks.dll "$@"
