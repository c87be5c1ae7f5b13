using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Vod.Emulator;
using Vod.Testing;

namespace Vod.EndToEnd.Support;

/// <summary>
/// One run of the whole product for the suite: Azurite and the Functions host each in their own process group, the
/// emulator on a loopback port of this process (the host's worker reaches it over HTTP like any peer), all on free
/// ports, all torn down at the end. The run folder (logs of Azurite and of every host start) is deleted when every test
/// passed and kept, with its path in the failure, when one failed.
/// </summary>
public sealed class AppUnderHost : IAsyncLifetime
{
    /// <summary>The page origin the app's CORS settings allow.</summary>
    public const string AllowedOrigin = "http://127.0.0.1:8080";

    /// <summary>Part size of every upload of the run: the least VOD allows, so small files have many parts.</summary>
    public const int PartSize = 102400;

    /// <summary>Parts in flight per upload.</summary>
    public const int Parallel = 2;

    private bool _failed;
    private int _disposed;

    /// <summary>Where logs and data of this run go.</summary>
    public string RunFolder { get; } = Path.Combine(Path.GetTempPath(), "vod-e2e-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));

    /// <summary>The VOD account's AccessKeySecret for this run: random, so the secrets scan can look for it.</summary>
    public string AccessKeySecret { get; } = "e2e-secret-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>The VOD callback auth key for this run.</summary>
    public string CallbackAuthKey { get; } = "e2e-callback-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Azurite.</summary>
    public Azurite Azurite { get; private set; } = null!;

    /// <summary>The emulator (VOD, STS, OSS).</summary>
    public EmulatorHost Emulator { get; private set; } = null!;

    /// <summary>The app under the host.</summary>
    public FunctionsHostProcess Host { get; private set; } = null!;

    /// <summary>The app's HTTP API, sending the default function key.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>The storage account the app uses.</summary>
    public BlobServiceClient Blobs { get; private set; } = null!;

    /// <summary>The callback URL the app was told VOD uses.</summary>
    public string CallbackUrl => $"http://127.0.0.1:{Host.Port}/api/vod/callback";

    /// <inheritdoc/>
    /// <summary>The user <see cref="Api"/> is signed in as (App Service Authentication's principal id).</summary>
    public string Caller { get; } = "e2e-user";

    /// <summary>Sets the headers App Service Authentication puts on a signed-in user's requests.</summary>
    public static void SignIn(HttpClient client, string principalId)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Remove("X-MS-CLIENT-PRINCIPAL-ID");
        client.DefaultRequestHeaders.Remove("X-MS-CLIENT-PRINCIPAL-IDP");
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", principalId);
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-IDP", "aad");
    }

    public Task InitializeAsync()
    {
        var (command, reason) = FunctionsHostLocator.Find();
        if (command is null)
        {
            // Every test is skipped with the reason ([HostFact]) unless the suite is required, as in CI: then it fails.
            return Environment.GetEnvironmentVariable(FunctionsHostLocator.RequiredVariable) == "1"
                ? throw new InvalidOperationException(reason + " (VOD_E2E_REQUIRED=1: the end-to-end suite must run.)")
                : Task.CompletedTask;
        }

        return StartOrCleanUpAsync(command);
    }

    // xUnit may not dispose a fixture whose start failed: stop what did start, keep the logs, say where they are.
    private async Task StartOrCleanUpAsync(FunctionsHostCommand command)
    {
        try
        {
            await StartAsync(command);
        }
        catch (Exception ex)
        {
            _failed = true;
            await DisposeAsync();
            throw new InvalidOperationException($"The app did not start under the Functions host: {ex.Message}\nRun folder (kept): {RunFolder}", ex);
        }
    }

    private async Task StartAsync(FunctionsHostCommand command)
    {
        Directory.CreateDirectory(RunFolder);
        var appFolder = AppFolder();
        // Azurite logs every request: the pull tests count who read a blob's bytes (the worker never should).
        Azurite = await Azurite.StartAsync(Path.Combine(RunFolder, "azurite-requests.log"));
        Emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            Urls = "http://127.0.0.1:0",
            AccessKeySecret = AccessKeySecret,
            CallbackAuthKey = CallbackAuthKey,
            DataDirectory = Path.Combine(RunFolder, "emulator"),
            TranscodeDelay = TimeSpan.FromSeconds(1),
        });

        // The host binds a probed port some seconds later; another process may take it first: then another port.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Take();
            Emulator.Lifecycle.DefaultCallbackUrl = new Uri($"http://127.0.0.1:{port}/api/vod/callback");
            try
            {
                Host = await FunctionsHostProcess.StartAsync(command, appFolder, RunFolder, port, HostSettings(port));
                break;
            }
            catch (PortInUseException) when (attempt < 3)
            {
            }
        }

        Api = new HttpClient { BaseAddress = Host.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("x-functions-key", Host.FunctionKey);
        SignIn(Api, Caller);
        Blobs = new BlobServiceClient(Azurite.ConnectionString);
    }

    // The app's settings for this run, over the sample local settings beside the built app.
    private Dictionary<string, string?> HostSettings(int port)
    {
        var emulator = Emulator.BaseUri.GetLeftPart(UriPartial.Authority);
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["Vod__AccessKeyId"] = Emulator.Options.AccessKeyId,
            ["Vod__AccessKeySecret"] = AccessKeySecret,
            ["Vod__Endpoint"] = emulator,
            ["Vod__StsEndpoint"] = emulator,
            ["Vod__CallbackPublicUrl"] = $"http://127.0.0.1:{port}/api/vod/callback",
            ["Vod__CallbackAuthKey"] = CallbackAuthKey,
            ["Vod__PartSize"] = PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vod__Parallel"] = Parallel.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vod__CallbackTimeoutSeconds"] = "30",
            ["Vod__ReconcileAfterMinutes"] = "1",
            ["Vod__AllowedSourceContainers"] = "vod-manual",
            ["Vod__PullFirstPollSeconds"] = "1",
            ["Vod__PullMaxPollSeconds"] = "2",

            // As deployed: callers come from App Service Authentication, whose headers the tests set as it would.
            ["Vod__CallerIdentity"] = "AppServiceAuthentication",
            ["WEBSITE_AUTH_ENABLED"] = "True",
            ["FUNCTIONS_ENABLE_CORS_CONFIGURATION"] = "1",
            ["CORS_ALLOWED_ORIGINS"] = $"[\"{AllowedOrigin}\"]",
        };
    }

    /// <summary>
    /// Runs a test body; a failure carries the run folder and the end of the host's log, and keeps the folder.
    /// </summary>
    public async Task RunAsync(Func<Task> test)
    {
        ArgumentNullException.ThrowIfNull(test);
        try
        {
            await test();
        }
        catch (Exception ex)
        {
            _failed = true;
            throw new InvalidOperationException($"{ex.Message}\nRun folder (kept): {RunFolder}\nEnd of the host's log:\n{Host?.LogTail()}", ex);
        }
    }

    /// <summary>Runs a non-HTTP function (a timer) now through the host's admin endpoint.</summary>
    public async Task RunFunctionAsync(string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"admin/functions/{name}") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-functions-key", Host.MasterKey);
        using var http = new HttpClient { BaseAddress = Host.BaseUri };
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>GET as JSON; null on 404.</summary>
    public async Task<JsonElement?> GetJsonAsync(string path)
    {
        using var response = await Api.GetAsync(path);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Api?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }

        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }

        if (!_failed)
        {
            try
            {
                Directory.Delete(RunFolder, recursive: true);
            }
            catch (IOException)
            {
                // A process of the run still holds a file; the folder is under the temp folder.
            }
        }
    }

    // The app the build put beside its project, in the configuration this suite was built in: nothing is built twice.
    private static string AppFolder()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var folder = Path.Combine(RepositoryPaths.Root, "functions", "Vod.Functions", "bin", configuration, "net10.0");
        return File.Exists(Path.Combine(folder, "host.json"))
            ? folder
            : throw new InvalidOperationException($"The Functions app is not built in {folder}: build tests/Vod.EndToEnd (it builds the app) first.");
    }
}

/// <summary>The tests that share one run of the product.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppUnderHost>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "app under the Functions host";
}
