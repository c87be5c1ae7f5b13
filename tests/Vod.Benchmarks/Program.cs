using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vod.Testing;

// Benchmark: a generated file uploaded to the emulator (its own process) by the engine (the vod CLI, its own process,
// peak working set sampled from /proc) and by ali-oss multipartUpload, same part size and parallelism. Figures are
// printed, not asserted.
// --checkpoint-cost: bytes the checkpoint store writes over a whole upload, by part count (linear: a part is one
// appended record; the header is rewritten a constant number of times).
if (args.Contains("--checkpoint-cost"))
{
    Console.WriteLine("Checkpoint bytes written over an upload (local store, 8 MiB parts, 5 in parallel)");
    Console.WriteLine($"{"parts",8} {"bytes",14} {"bytes/part",11}");
    foreach (var parts in new[] { 128, 1000, 10_000 })
    {
        var bytes = await CheckpointCost.BytesWrittenAsync(parts);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{parts,8} {bytes,14:N0} {bytes / (double)parts,11:0.0}"));
    }

    return 0;
}

var sizes = (Arg("--sizes") ?? "1GiB,4GiB").Split(',').Select(ParseSize).ToList();
var partSize = ParseSize(Arg("--part-size") ?? "8MiB");
var parallel = int.Parse(Arg("--parallel") ?? "5", CultureInfo.InvariantCulture);
var rounds = int.Parse(Arg("--rounds") ?? "2", CultureInfo.InvariantCulture);
var work = Arg("--work-dir") ?? Path.Combine(Path.GetTempPath(), "vod-benchmark");
var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
var emulatorDll = Path.Combine(RepositoryPaths.Root, "functions", "Vod.Emulator", "bin", configuration, "net10.0", "Vod.Emulator.dll");
var vodDll = Path.Combine(RepositoryPaths.Root, "functions", "Vod.Cli", "bin", configuration, "net10.0", "vod.dll");
Directory.CreateDirectory(work);

// Both uploaders write the whole object to the emulator's disk: each run starts with the disk flushed, the order
// alternates from round to round (whoever goes first would otherwise meet the source file's write-back), and the
// best round of each is reported, so the figures compare uploaders, not disk noise.
Console.WriteLine($"Upload benchmark ({configuration}): part size {partSize / 1048576} MiB, parallel {parallel}, {Environment.ProcessorCount} cores, best of {rounds} rounds");
Console.WriteLine($"{"size",8} {"engine MB/s",12} {"ali-oss MB/s",13} {"ratio",7} {"engine peak MB",15}  rounds (engine / ali-oss MB/s)");
foreach (var size in sizes)
{
    var file = Path.Combine(work, $"source-{size}.mp4");
    Generate(file, size);
    var engineRates = new List<double>();
    var aliRates = new List<double>();
    long peak = 0;
    for (var round = 0; round < rounds; round++)
    {
        async Task Engine()
        {
            Flush();
            var (seconds, roundPeak) = await RunEngineAsync(file);
            engineRates.Add(size / 1e6 / seconds);
            peak = Math.Max(peak, roundPeak);
        }

        async Task AliOss()
        {
            Flush();
            aliRates.Add(size / 1e6 / await RunAliOssAsync(file));
        }

        if (round % 2 == 0)
        {
            await Engine();
            await AliOss();
        }
        else
        {
            await AliOss();
            await Engine();
        }
    }

    var engineRate = engineRates.Max();
    var aliRate = aliRates.Max();
    var each = string.Join(", ", engineRates.Zip(aliRates, (e, a) => string.Create(CultureInfo.InvariantCulture, $"{e:0} / {a:0}")));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size / 1073741824.0,6:0.##}GiB {engineRate,12:0.0} {aliRate,13:0.0} {engineRate / aliRate,7:0.00} {peak / 1048576.0,15:0.0}  {each}"));
    File.Delete(file);
}

return 0;

async Task<(double Seconds, long PeakBytes)> RunEngineAsync(string file)
{
    await using var emulator = await EmulatorProcess.StartAsync(emulatorDll, Path.Combine(work, "emulator-engine"));
    var start = new ProcessStartInfo("dotnet", [vodDll, "upload", file, "--json", "--part-size", partSize.ToString(CultureInfo.InvariantCulture), "--parallel", parallel.ToString(CultureInfo.InvariantCulture), "--checkpoint-dir", Path.Combine(work, "checkpoints")])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    start.Environment["ALIBABA_CLOUD_ACCESS_KEY_ID"] = EmulatorProcess.AccessKeyId;
    start.Environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = EmulatorProcess.AccessKeySecret;
    start.Environment["ALIBABA_CLOUD_VOD_ENDPOINT"] = emulator.Endpoint;
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    long peak = 0;
    while (!process.HasExited)
    {
        peak = Math.Max(peak, ReadRssBytes(process.Id));
        await Task.Delay(50);
    }

    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException("vod failed: " + await stderr);
    }

    var done = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).Last();
    return (done.GetProperty("seconds").GetDouble(), peak);
}

async Task<double> RunAliOssAsync(string file)
{
    await using var emulator = await EmulatorProcess.StartAsync(emulatorDll, Path.Combine(work, "emulator-ali-oss"));
    var (exit, stdout, stderr) = await NodeScript.RunAsync("benchmark/ali-oss-upload.js",
        ["--endpoint", emulator.Endpoint, "--ak", EmulatorProcess.AccessKeyId, "--secret", EmulatorProcess.AccessKeySecret, "--file", file,
            "--partSize", partSize.ToString(CultureInfo.InvariantCulture), "--parallel", parallel.ToString(CultureInfo.InvariantCulture)],
        TimeSpan.FromMinutes(30));
    if (exit != 0)
    {
        throw new InvalidOperationException("ali-oss failed: " + stderr);
    }

    return JsonDocument.Parse(stdout).RootElement.GetProperty("seconds").GetDouble();
}

// Writes dirty pages to disk, so one run's write-back does not slow the next.
static void Flush()
{
    using var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false })!;
    sync.WaitForExit();
}

static long ReadRssBytes(int pid)
{
    try
    {
        // VmHWM is the peak resident set size the kernel recorded for the process.
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
    catch (IOException)
    {
        return 0;
    }
}

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

/// <summary>The emulator as its own process, with its data in a folder deleted afterwards.</summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    public const string AccessKeyId = "LTAI5tEmulatorDevKey";
    public const string AccessKeySecret = "emulator-dev-secret-not-for-production";

    private readonly Process _process;
    private readonly string _data;

    private EmulatorProcess(Process process, string data, string endpoint)
    {
        _process = process;
        _data = data;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public static async Task<EmulatorProcess> StartAsync(string dll, string data)
    {
        Directory.CreateDirectory(data);
        var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--data-dir", data]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var first = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the emulator printed nothing");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var endpoint = new Uri(first["VOD emulator listening on ".Length..]).GetLeftPart(UriPartial.Authority);
        return new EmulatorProcess(process, data, endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
