#!/usr/bin/env bash
# One benchmark command (tests/Vod.Benchmarks): against one warm emulator (its data on tmpfs), in rotating order,
# the raw-PUT limit (a minimal C# client, no hashing), ali-oss multipartUpload, the published vod CLI — once built as
# the csproj builds it (JIT, tiered compilation off), once ReadyToRun — and, when a Functions host is found
# (FUNCTIONS_HOST_DIR with run.sh, or func on the PATH), the Durable path for the same file as a blob. Prints MB/s
# (best / median), CPU s/GiB and peak RSS of each process, the emulator's CPU, the load average at every run, the
# ratios, and the checkpoint bytes at 128 / 1,000 / 10,000 parts.
# Default: 1 GiB, 8 MiB parts × 5, 3 rounds — a few minutes. Options pass through:
#   --size 4GiB --rounds 5 --part-size 16MiB --parallel 8 --clients raw,ali-oss,cli,durable --work-dir DIR
#   --checkpoint-cost   only the checkpoint bytes
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --prefix tests/tooling --no-audit --no-fund --loglevel=error
dotnet build tests/Vod.Benchmarks --nologo -c Release -v quiet -clp:ErrorsOnly
out=artifacts/benchmark
dotnet publish functions/Vod.Cli --nologo -c Release -v quiet -clp:ErrorsOnly -o "$out/vod-jit"
dotnet publish functions/Vod.Cli --nologo -c Release -v quiet -clp:ErrorsOnly -r linux-x64 --self-contained false -o "$out/vod-r2r"
exec dotnet tests/Vod.Benchmarks/bin/Release/net10.0/Vod.Benchmarks.dll \
  --cli "JIT, tiered compilation off=$out/vod-jit/vod.dll" --cli "ReadyToRun=$out/vod-r2r/vod.dll" "$@"
