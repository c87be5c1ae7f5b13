using System.Globalization;
using System.Text.Json;
using Vod.Benchmarks;
using Vod.Testing;

// One command, one warm emulator, every client in turn (the order rotates from round to round): the raw-PUT limit,
// ali-oss multipartUpload, the published vod CLI (one line per build given with --cli) and, when a Functions host is
// found, the Durable path (and the CLI reading the same blob, to tell the orchestration's cost from the source's). Prints MB/s (best / median), each process's CPU per GiB and peak RSS, the emulator's CPU,
// the load average at each run, the ratios, and checkpoint bytes by part count. Figures are printed, never asserted.
//   raw …               the raw-PUT client itself (run by the benchmark as its own process)
//   --checkpoint-cost   only the checkpoint bytes
if (args.Length > 0 && args[0] == "raw")
{
    return await RawClient.RunAsync(Arg("--endpoint")!, Arg("--file")!, ParseSize(Arg("--part-size")!), int.Parse(Arg("--parallel")!, CultureInfo.InvariantCulture));
}

if (args.Contains("--checkpoint-cost"))
{
    await PrintCheckpointCostAsync();
    return 0;
}

var size = ParseSize(Arg("--size") ?? "1GiB");
var partSize = ParseSize(Arg("--part-size") ?? "8MiB");
var parallel = int.Parse(Arg("--parallel") ?? "5", CultureInfo.InvariantCulture);
var rounds = int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture);
var only = Arg("--clients")?.Split(',').ToHashSet(StringComparer.OrdinalIgnoreCase);
var work = Arg("--work-dir") ?? (Directory.Exists("/dev/shm") ? "/dev/shm/vod-benchmark" : Path.Combine(Path.GetTempPath(), "vod-benchmark"));
var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
var emulatorDll = Path.Combine(RepositoryPaths.Root, "functions", "Vod.Emulator", "bin", configuration, "net10.0", "Vod.Emulator.dll");
var self = Path.Combine(AppContext.BaseDirectory, "Vod.Benchmarks.dll");
var gib = size / (double)(1L << 30);
Directory.CreateDirectory(work);

// --cli name=path/to/vod.dll (repeatable): each published build of the CLI is a client of its own.
var clis = args.Select((a, i) => (a, i)).Where(x => x.a == "--cli" && x.i + 1 < args.Length).Select(x => args[x.i + 1].Split('=', 2)).Select(p => (Name: "vod " + p[0], Dll: p[1])).ToList();
if (clis.Count == 0)
{
    clis.Add(("vod (build output)", Path.Combine(RepositoryPaths.Root, "functions", "Vod.Cli", "bin", configuration, "net10.0", "vod.dll")));
}

var file = Path.Combine(work, "source.mp4");
var warmFile = Path.Combine(work, "warm.mp4");
Generate(file, size);
// 256 MiB: enough parts (32) for the worker's tiered compilation to finish its hot paths before the first measured run.
Generate(warmFile, Math.Min(size, 256L << 20));

Console.WriteLine($"Upload benchmark ({configuration}): {FormatSize(size)}, {partSize / 1048576.0:0.##} MiB parts × {parallel}, {rounds} rounds, {Environment.ProcessorCount} cores, emulator data in {work}");
Console.WriteLine($"started {DateTime.UtcNow:u}, load average {Measured.LoadAverage():0.00}");

await using var emulator = await EmulatorProcess.StartAsync(emulatorDll, Path.Combine(work, "emulator"));
var clients = new List<Client>
{
    new("raw PUTs (C#, no hashing)", "raw", (f, n) => RunRawAsync(f)),
    new("ali-oss multipartUpload", "ali-oss", (f, n) => RunAliOssAsync(f)),
};
clients.AddRange(clis.Select(c => new Client(c.Name, "cli", (f, n) => RunCliAsync(c.Dll, f))));
clients = [.. clients.Where(c => only is null || only.Contains(c.Kind) || only.Contains(c.Name))];

DurablePath? durable = null;
if (only is null || only.Contains("durable"))
{
    // --host-setting NAME=VALUE (repeatable): app settings for the host, e.g. a host.json value as
    // AzureFunctionsJobHost__extensions__durableTask__maxConcurrentActivityFunctions=2.
    var hostSettings = args.Select((a, i) => (a, i)).Where(x => x.a == "--host-setting" && x.i + 1 < args.Length)
        .Select(x => args[x.i + 1].Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    // --app-dir DIR: another build of the Functions app (e.g. an older commit's, to compare).
    durable = await DurablePath.StartAsync(emulator, work, partSize, parallel,
        Arg("--app-dir") ?? Path.Combine(RepositoryPaths.Root, "functions", "Vod.Functions", "bin", configuration, "net10.0"), hostSettings);
    if (durable is not null)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Functions host started{(hostSettings.Count > 0 ? " with " + string.Join(", ", hostSettings.Select(h => h.Key + "=" + h.Value)) : string.Empty)}; worker RSS before any upload {Measured.RssBytes(durable.WorkerPid) / 1048576.0:0} MiB"));
        await durable.StageAsync(warmFile, "warm.mp4");
        await durable.StageAsync(file, "source.mp4");
        clients.Add(new Client("Durable path (host + worker)", "durable", (f, n) => RunDurableAsync(f == warmFile ? "warm.mp4" : "source.mp4", n)));

        // The last CLI build again, reading the same blob from Azurite: what the Durable path pays for its source
        // (Azurite's CPU on the same two cores) apart from what it pays for the orchestration.
        var (_, dll) = clis[^1];
        clients.Add(new Client("vod, same blob from Azurite", "cli-blob", (f, n) => RunCliAsync(dll, durable.SasUrl(f == warmFile ? "warm.mp4" : "source.mp4").ToString())));
    }
}

try
{
    // Warm-up: every client once on a small file, so the emulator (and the worker) are past their JIT.
    foreach (var client in clients)
    {
        await client.Run(warmFile, $"warm-{client.Kind}");
        emulator.DropStoredBytes();
    }

    for (var round = 0; round < rounds; round++)
    {
        // The order rotates: whoever goes first meets a different machine state each round.
        foreach (var client in clients.Skip(round % clients.Count).Concat(clients.Take(round % clients.Count)))
        {
            var load = Measured.LoadAverage();
            var emulatorCpu = Measured.CpuSeconds(emulator.Pid);
            var result = await client.Run(file, $"r{round}-{client.Kind}");
            client.Results.Add(result with { Load = load, EmulatorCpuSeconds = Measured.CpuSeconds(emulator.Pid) - emulatorCpu });
            emulator.DropStoredBytes();
        }
    }
}
finally
{
    if (durable is not null)
    {
        await durable.DisposeAsync();
    }
}

Console.WriteLine();
Console.WriteLine($"{"client",-30} {"MB/s best / median",19} {"CPU s/GiB",10} {"peak RSS MiB",13} {"emulator CPU s/GiB",19}  load avg at each run");
foreach (var client in clients)
{
    var rates = client.Results.Select(r => size / 1e6 / r.Seconds).ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{client.Name,-30} {rates.Max(),8:0.0} / {Median(rates),-8:0.0} {Median(client.Results.Select(r => r.CpuSeconds / gib)),10:0.00} {client.Results.Max(r => r.PeakRssBytes) / 1048576.0,13:0} {Median(client.Results.Select(r => r.EmulatorCpuSeconds / gib)),19:0.00}  {string.Join(" ", client.Results.Select(r => r.Load.ToString("0.0", CultureInfo.InvariantCulture)))}"));
}

double MedianRate(string kind, string? name = null) =>
    clients.Where(c => c.Kind == kind && (name is null || c.Name == name)).Select(c => Median(c.Results.Select(r => size / 1e6 / r.Seconds))).DefaultIfEmpty(double.NaN).First();

Console.WriteLine();
var raw = MedianRate("raw");
var ali = MedianRate("ali-oss");
foreach (var cli in clients.Where(c => c.Kind == "cli"))
{
    var rate = MedianRate("cli", cli.Name);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cli.Name}: CLI/ali-oss {rate / ali:0.00}, CLI/raw {rate / raw:0.00} (median MB/s)"));
}

if (clients.FirstOrDefault(c => c.Kind == "durable") is { } durableClient)
{
    var cliSeconds = clients.Where(c => c.Kind == "cli").Select(c => Median(c.Results.Select(r => r.Seconds))).DefaultIfEmpty(double.NaN).Min();
    var blobSeconds = clients.Where(c => c.Kind == "cli-blob").Select(c => Median(c.Results.Select(r => r.Seconds))).DefaultIfEmpty(double.NaN).Min();
    var durableSeconds = Median(durableClient.Results.Select(r => r.Seconds));
    var verified = Median(durableClient.Results.Select(r => r.Durable!.SecondsToVerified));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Durable/CLI time {durableSeconds / cliSeconds:0.00} (start → Completed {durableSeconds:0.0} s, median; to the verified object {verified:0.0} s; fastest CLI {cliSeconds:0.0} s); Durable/CLI from the same blob {durableSeconds / blobSeconds:0.00} ({blobSeconds:0.0} s)"));
    foreach (var run in durableClient.Results.Select(r => r.Durable!))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  phases: {string.Join(", ", run.Phases.Select(p => $"{p.Phase} {p.At:0.0}"))}; worker CPU {run.WorkerCpuSeconds / gib:0.00} s/GiB, host CPU {run.HostCpuSeconds / gib:0.00} s/GiB, Azurite CPU {run.AzuriteCpuSeconds / gib:0.00} s/GiB, worker RSS {run.WorkerRssBeforeBytes / 1048576.0:0} → peak {run.WorkerPeakRssBytes / 1048576.0:0} MiB"));
    }
}

Console.WriteLine();
await PrintCheckpointCostAsync();
File.Delete(file);
File.Delete(warmFile);
return 0;

async Task<RunResult> RunRawAsync(string source)
{
    var (stdout, cost) = await Measured.RunAsync("dotnet", [self, "raw", "--endpoint", emulator.Endpoint, "--file", source, "--part-size", partSize.ToString(CultureInfo.InvariantCulture), "--parallel", parallel.ToString(CultureInfo.InvariantCulture)]);
    return RunResult.Of(JsonDocument.Parse(stdout).RootElement.GetProperty("seconds").GetDouble(), cost);
}

async Task<RunResult> RunAliOssAsync(string source)
{
    var (stdout, cost) = await Measured.RunAsync("node", [Path.Combine(RepositoryPaths.Tooling, "benchmark", "ali-oss-upload.js"),
        "--endpoint", emulator.Endpoint, "--ak", EmulatorProcess.AccessKeyId, "--secret", EmulatorProcess.AccessKeySecret, "--file", source,
        "--partSize", partSize.ToString(CultureInfo.InvariantCulture), "--parallel", parallel.ToString(CultureInfo.InvariantCulture)]);
    return RunResult.Of(JsonDocument.Parse(stdout).RootElement.GetProperty("seconds").GetDouble(), cost);
}

async Task<RunResult> RunCliAsync(string dll, string source)
{
    var (stdout, cost) = await Measured.RunAsync("dotnet", [dll, "upload", source, "--json", "--force", "--part-size", partSize.ToString(CultureInfo.InvariantCulture),
        "--parallel", parallel.ToString(CultureInfo.InvariantCulture), "--checkpoint-dir", Path.Combine(work, "checkpoints")], new Dictionary<string, string>
    {
        ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = EmulatorProcess.AccessKeyId,
        ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = EmulatorProcess.AccessKeySecret,
        ["ALIBABA_CLOUD_VOD_ENDPOINT"] = emulator.Endpoint,
        ["XDG_STATE_HOME"] = Path.Combine(work, "state"),
    });
    var done = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).Last();
    return RunResult.Of(done.GetProperty("seconds").GetDouble(), cost);
}

async Task<RunResult> RunDurableAsync(string staged, string name)
{
    var run = await durable!.RunAsync(staged, name + ".mp4");
    return new RunResult(run.SecondsToCompleted, run.WorkerCpuSeconds, run.WorkerPeakRssBytes, 0, 0, run);
}

static async Task PrintCheckpointCostAsync()
{
    Console.WriteLine("Checkpoint bytes written over an upload (local store, 8 MiB parts, 5 in parallel)");
    Console.WriteLine($"{"parts",8} {"bytes",14} {"bytes/part",11}");
    foreach (var parts in new[] { 128, 1000, 10_000 })
    {
        var bytes = await CheckpointCost.BytesWrittenAsync(parts);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{parts,8} {bytes,14:N0} {bytes / (double)parts,11:0.0}"));
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string FormatSize(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.##} GiB" : $"{bytes / 1048576.0:0.##} MiB";

static void Generate(string path, long size)
{
    if (File.Exists(path) && new FileInfo(path).Length == size)
    {
        return;
    }

    // Fast incompressible data: xorshift64* words.
    var buffer = new byte[4 << 20];
    var state = 0x9E3779B97F4A7C15UL;
    using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
    for (long written = 0; written < size;)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan());
        for (var i = 0; i < words.Length; i++)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            words[i] = state * 0x2545F4914F6CDD1DUL;
        }

        var n = (int)Math.Min(buffer.Length, size - written);
        output.Write(buffer, 0, n);
        written += n;
    }
}

static long ParseSize(string text)
{
    text = text.Trim();
    foreach (var (suffix, factor) in new[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10) })
    {
        if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            return (long)(double.Parse(text[..^suffix.Length], CultureInfo.InvariantCulture) * factor);
        }
    }

    return long.Parse(text, CultureInfo.InvariantCulture);
}

string? Arg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

namespace Vod.Benchmarks
{
    /// <summary>One upload by one client: its seconds, its process's CPU and peak RSS, the load and the emulator's CPU.</summary>
    internal sealed record RunResult(double Seconds, double CpuSeconds, long PeakRssBytes, double Load, double EmulatorCpuSeconds, DurableRun? Durable = null)
    {
        public static RunResult Of(double seconds, ProcessCost cost) => new(seconds, cost.CpuSeconds, cost.PeakRssBytes, 0, 0);
    }

    /// <summary>A client of the benchmark: how it uploads a file (the second argument names the run).</summary>
    internal sealed class Client(string name, string kind, Func<string, string, Task<RunResult>> run)
    {
        public string Name => name;

        public string Kind => kind;

        public List<RunResult> Results { get; } = [];

        public Task<RunResult> Run(string file, string runName) => run(file, runName);
    }
}
