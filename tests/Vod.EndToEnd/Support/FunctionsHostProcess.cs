using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vod.EndToEnd.Support;

/// <summary>
/// The built app running under a Functions host (<c>run.sh</c> or <c>func start</c>) on one loopback port, in its own
/// process group. The host keeps its keys in a state folder of its own, so a restart keeps the port and the keys.
/// </summary>
public sealed class FunctionsHostProcess : IAsyncDisposable
{
    // The web host says it listens within seconds of its start, long before the app's functions are loaded.
    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(60);

    private readonly FunctionsHostCommand _command;
    private readonly string _appFolder;
    private readonly string _runFolder;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private int _starts;

    private FunctionsHostProcess(FunctionsHostCommand command, string appFolder, string runFolder, int port, IReadOnlyDictionary<string, string?> environment)
    {
        _command = command;
        _appFolder = appFolder;
        _runFolder = runFolder;
        Port = port;
        _environment = environment;
    }

    /// <summary>The HTTP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The app's base address.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>The running host's process group.</summary>
    public ProcessGroup Group { get; private set; } = null!;

    /// <summary>The master key (admin endpoints); empty under Core Tools, which checks no keys.</summary>
    public string MasterKey { get; private set; } = string.Empty;

    /// <summary>The <c>default</c> function key; empty under Core Tools.</summary>
    public string FunctionKey { get; private set; } = string.Empty;

    /// <summary>The folder holding the host's keys, logs and data.</summary>
    public string StateFolder => Path.Combine(_runFolder, "host-state");

    /// <summary>Every host log file written in this run (one per start).</summary>
    public IReadOnlyList<string> LogPaths => Enumerable.Range(1, _starts).Select(LogPath).ToList();

    /// <summary>Starts the host and waits until its functions answer.</summary>
    public static async Task<FunctionsHostProcess> StartAsync(FunctionsHostCommand command, string appFolder, string runFolder, int port, IReadOnlyDictionary<string, string?> environment)
    {
        var host = new FunctionsHostProcess(command, appFolder, runFolder, port, environment);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Starts the host again (after <see cref="ProcessGroup.KillAsync"/>) and waits until its functions answer.</summary>
    public async Task StartAsync()
    {
        Directory.CreateDirectory(StateFolder);
        var environment = new Dictionary<string, string?>(_environment) { ["FUNCTIONS_HOST_STATE"] = StateFolder };
        _starts++;
        Group = _command.Kind switch
        {
            FunctionsHostKind.RunScript => StartRunScript(environment),
            _ => ProcessGroup.Start(_command.Path, ["start", "--port", Port.ToString(CultureInfo.InvariantCulture), .. CoreToolsCors(environment)], _appFolder, environment, LogPath(_starts)),
        };
        await WaitReadyAsync(TimeSpan.FromSeconds(150));
    }

    /// <summary>The end of the current log, for failure messages.</summary>
    public string LogTail(int lines = 40) =>
        string.Join('\n', Group.ReadLog().Split('\n').TakeLast(lines));

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Group?.DisposeAsync() ?? ValueTask.CompletedTask;

    private string LogPath(int start) => Path.Combine(_runFolder, $"host-{start}.log");

    private ProcessGroup StartRunScript(Dictionary<string, string?> environment)
    {
        // A host built without language workers looks for a "workers" folder beside (or above) itself and fails to start
        // without one; the app's own worker.config.json describes the only worker it needs, so an empty folder will do.
        var hostDir = Path.GetDirectoryName(_command.Path)!;
        if (!Directory.Exists(Path.Combine(hostDir, "host", "workers")) && !Directory.Exists(Path.Combine(hostDir, "workers"))
            && !environment.ContainsKey("languageWorkers__workersDirectory"))
        {
            var workers = Path.Combine(_runFolder, "workers");
            Directory.CreateDirectory(workers);
            environment["languageWorkers__workersDirectory"] = workers;
        }

        return ProcessGroup.Start(_command.Path, [_appFolder, Port.ToString(CultureInfo.InvariantCulture)], _appFolder, environment, LogPath(_starts));
    }

    // Core Tools takes CORS from its command line (or local.settings.json), not from the host's environment variables.
    private static string[] CoreToolsCors(Dictionary<string, string?> environment) =>
        environment.TryGetValue("CORS_ALLOWED_ORIGINS", out var origins) && origins is not null
            ? ["--cors", string.Join(',', JsonSerializer.Deserialize<string[]>(origins) ?? [])]
            : [];

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(10) };
        var secrets = Path.Combine(StateFolder, "secrets", "host.json");
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.UntilAsync($"the Functions host on port {Port} to run the app (log: {Group.LogPath})", timeout, async () =>
        {
            if (Group.HasExited)
            {
                throw new InvalidOperationException($"The Functions host exited during start-up. Log {Group.LogPath}:\n{LogTail()}");
            }

            // A port another process took first does not stop the host: it runs on without listening and says nothing.
            // Only a host that said it listens on its port is asked anything (an answer could come from that other process).
            if (_command.Kind == FunctionsHostKind.RunScript && !Group.ReadLog().Contains($"Now listening on: http://127.0.0.1:{Port}", StringComparison.Ordinal))
            {
                return started.Elapsed < ListenTimeout ? false : throw new PortInUseException($"The Functions host did not listen on port {Port} within {ListenTimeout.TotalSeconds:0} s.");
            }

            if (_command.Kind == FunctionsHostKind.RunScript)
            {
                if (!File.Exists(secrets))
                {
                    return false;
                }

                using var keys = JsonDocument.Parse(await File.ReadAllTextAsync(secrets));
                MasterKey = keys.RootElement.GetProperty("masterKey").GetProperty("value").GetString()!;
                FunctionKey = keys.RootElement.GetProperty("functionKeys").EnumerateArray().First(k => k.GetProperty("name").GetString() == "default").GetProperty("value").GetString()!;
            }

            using var statusRequest = new HttpRequestMessage(HttpMethod.Get, "admin/host/status");
            statusRequest.Headers.Add("x-functions-key", MasterKey);
            using var status = await http.SendAsync(statusRequest);
            if (!status.IsSuccessStatusCode || (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString() != "Running")
            {
                return false;
            }

            using var probe = new HttpRequestMessage(HttpMethod.Get, "api/uploads?pageSize=1");
            probe.Headers.Add("x-functions-key", FunctionKey);
            using var answer = await http.SendAsync(probe);
            return answer.IsSuccessStatusCode;
        }, TimeSpan.FromMilliseconds(500));
    }
}
