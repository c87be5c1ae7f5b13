using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Vod.EndToEnd.Support;
using Vod.Testing;

namespace Vod.Benchmarks;

/// <summary>One Durable upload: time to the verified object and to Completed, the time of each phase, and what the worker and host cost.</summary>
internal sealed record DurableRun(double SecondsToVerified, double SecondsToCompleted, IReadOnlyList<(string Phase, double At)> Phases,
    double WorkerCpuSeconds, double HostCpuSeconds, double AzuriteCpuSeconds, long WorkerPeakRssBytes, long WorkerRssBeforeBytes);

/// <summary>
/// The app under the real Functions host (found as the end-to-end suite finds it), on Azurite, against the benchmark's
/// emulator. Each run copies the staged source blob to a new name (a blob version uploads once) and starts it through
/// <c>POST /api/uploads</c> — the blob trigger's scan delay would measure the trigger, not the upload — then polls
/// the upload until Completed (VOD's event included, as a dropped blob waits for it).
/// </summary>
internal sealed class DurablePath : IAsyncDisposable
{
    private const string Container = "vod-manual";

    private readonly Azurite _azurite;
    private readonly FunctionsHostProcess _host;
    private readonly HttpClient _api;
    private readonly BlobServiceClient _blobs;
    private readonly string _runFolder;

    private DurablePath(Azurite azurite, FunctionsHostProcess host, HttpClient api, string runFolder)
    {
        _azurite = azurite;
        _host = host;
        _api = api;
        _runFolder = runFolder;
        _blobs = new BlobServiceClient(azurite.ConnectionString);
    }

    /// <summary>The isolated worker's process id.</summary>
    public int WorkerPid => _host.Group.Members().First(pid => Cmdline(pid).Contains("Vod.Functions.dll", StringComparison.Ordinal));

    /// <summary>Starts Azurite and the host; null (with the reason printed) when no host is found.</summary>
    public static async Task<DurablePath?> StartAsync(EmulatorProcess emulator, string work, long partSize, int parallel, string appFolder, IReadOnlyDictionary<string, string> extraSettings)
    {
        var (command, reason) = FunctionsHostLocator.Find();
        if (command is null)
        {
            Console.WriteLine($"Durable path skipped: {reason}");
            return null;
        }

        var runFolder = Path.Combine(work, "durable");
        Directory.CreateDirectory(runFolder);
        var azurite = await Azurite.StartAsync();
        try
        {
            var port = FreePorts.Take();
            var settings = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Vod__AccessKeyId"] = EmulatorProcess.AccessKeyId,
                ["Vod__AccessKeySecret"] = EmulatorProcess.AccessKeySecret,
                ["Vod__Endpoint"] = emulator.Endpoint,
                ["Vod__StsEndpoint"] = emulator.Endpoint,
                ["Vod__CallbackPublicUrl"] = $"http://127.0.0.1:{port}/api/vod/callback",
                ["Vod__CallbackAuthKey"] = EmulatorProcess.CallbackAuthKey,
                ["Vod__PartSize"] = partSize.ToString(CultureInfo.InvariantCulture),
                ["Vod__Parallel"] = parallel.ToString(CultureInfo.InvariantCulture),
                ["Vod__CallbackTimeoutSeconds"] = "60",
                ["Vod__AllowedSourceContainers"] = Container,
                ["Vod__CallerIdentity"] = "None",
            };
            foreach (var (name, value) in extraSettings)
            {
                settings[name] = value;
            }

            var host = await FunctionsHostProcess.StartAsync(command, appFolder, runFolder, port, settings);
            using (var admin = new HttpClient())
            {
                (await admin.PostAsJsonAsync($"{emulator.Endpoint}/_emulator/config/callback", new { url = $"http://127.0.0.1:{port}/api/vod/callback", authKey = EmulatorProcess.CallbackAuthKey })).EnsureSuccessStatusCode();
            }

            var api = new HttpClient { BaseAddress = host.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
            api.DefaultRequestHeaders.Add("x-functions-key", host.FunctionKey);
            return new DurablePath(azurite, host, api, runFolder);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Puts the source into Azurite once.</summary>
    public async Task StageAsync(string file, string name)
    {
        var container = _blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(name).UploadAsync(file, overwrite: true);
    }

    /// <summary>A read-only SAS URL of a staged blob (for the CLI, which reads blob URLs).</summary>
    public Uri SasUrl(string name) =>
        _blobs.GetBlobContainerClient(Container).GetBlobClient(name).GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(2));

    /// <summary>Uploads a copy of the staged blob through the app and waits for Completed.</summary>
    public async Task<DurableRun> RunAsync(string staged, string name)
    {
        var container = _blobs.GetBlobContainerClient(Container);
        var copy = container.GetBlobClient(name);
        var operation = await copy.StartCopyFromUriAsync(container.GetBlobClient(staged).Uri);
        await operation.WaitForCompletionAsync();
        var worker = WorkerPid;
        var others = _host.Group.Members().Where(p => p != worker).ToList();
        var workerCpu = Measured.CpuSeconds(worker);
        var hostCpu = others.Sum(Measured.CpuSeconds);
        var azuriteCpu = AzuriteCpu();
        var rssBefore = Measured.RssBytes(worker);
        Measured.ResetPeak(worker);
        var clock = Stopwatch.StartNew();
        using var started = await _api.PostAsJsonAsync("api/uploads", new { container = Container, name });
        if (!started.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"StartUpload answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        }

        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var phases = new List<(string, double)>();
        double verified = 0;
        while (true)
        {
            var upload = await _api.GetFromJsonAsync<JsonElement>($"api/uploads/{id}");
            var now = clock.Elapsed.TotalSeconds;
            var status = upload.GetProperty("status").GetString();
            var phase = upload.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("phase", out var ph) ? ph.GetString() ?? "?" : "?";
            if (phases.Count == 0 || phases[^1].Item1 != phase)
            {
                phases.Add((phase, now));
            }

            if (verified == 0 && phase is "waiting-for-vod" or "succeeded")
            {
                verified = now;
            }

            if (status == "Completed")
            {
                verified = verified == 0 ? now : verified;
                phases.Add(("Completed", now));
                break;
            }

            if (status is "Failed" or "Terminated")
            {
                throw new InvalidOperationException($"The Durable upload ended {status}: {upload}");
            }

            await Task.Delay(100);
        }

        var completed = clock.Elapsed.TotalSeconds;
        var run = new DurableRun(verified, completed, phases,
            Measured.CpuSeconds(worker) - workerCpu, others.Sum(Measured.CpuSeconds) - hostCpu, AzuriteCpu() - azuriteCpu,
            Measured.PeakRssBytes(worker), rssBefore);
        await copy.DeleteIfExistsAsync();
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();

        // The host's logs stay (small, and the place to look when a phase takes long); its state goes.
        foreach (var entry in Directory.EnumerateFileSystemEntries(_runFolder).Where(e => !e.EndsWith(".log", StringComparison.Ordinal)))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        Console.WriteLine($"Functions host logs: {_runFolder}");
    }

    // Azurite is this process's child (the one with azurite.js on its command line).
    private static double AzuriteCpu() =>
        ProcessTable.ChildrenOf(Environment.ProcessId).Where(pid => Cmdline(pid).Contains("azurite.js", StringComparison.Ordinal)).Sum(Measured.CpuSeconds);

    private static string Cmdline(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}
