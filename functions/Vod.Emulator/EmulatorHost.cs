using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vod.Emulator.Admin;
using Vod.Emulator.Callbacks;
using Vod.Emulator.Oss;
using Vod.Emulator.State;
using Vod.Emulator.VodApi;

namespace Vod.Emulator;

/// <summary>
/// The emulator as a running server: VOD/STS RPC at <c>/</c>, OSS on the same port (bucket in the Host header or the
/// first path segment), and the index, state, downloads and fault injection under <c>/_emulator/</c>. Start it from a
/// test fixture with <see cref="StartAsync"/> or from the command line (<c>vod-emulator</c>) through <c>Program</c>.
/// With <see cref="EmulatorOptions.DataDirectory"/> its state survives restarts; without, it lives in a temporary
/// folder deleted when it stops.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StateFile? _stateFile;

    private EmulatorHost(WebApplication app, EmulatorOptions options, string dataDirectory, StateFile? stateFile, EmulatorState state, FaultSwitches faults,
        CredentialStore credentials, CallbackDispatcher callbacks, MediaLifecycle lifecycle, VodOperations vod, RequestLog requests)
    {
        _app = app;
        Options = options;
        DataDirectory = dataDirectory;
        _stateFile = stateFile;
        State = state;
        Faults = faults;
        Credentials = credentials;
        Callbacks = callbacks;
        Lifecycle = lifecycle;
        Vod = vod;
        Requests = requests;
    }

    /// <summary>The version of the emulator (the package version), as <c>vod-emulator --version</c> prints it after the tool's name.</summary>
    public static string Version { get; } =
        typeof(EmulatorHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The options it was started with.</summary>
    public EmulatorOptions Options { get; }

    /// <summary>Signalled when the server begins to stop (SIGTERM, Ctrl+C handled by the host).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Where the emulator listens, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The OSS endpoint written into upload addresses.</summary>
    public Uri PublicEndpoint => Vod.PublicEndpoint;

    /// <summary>The VOD-owned bucket media go to: the only bucket the emulator's OSS has.</summary>
    public string Bucket => State.Bucket;

    /// <summary>The folder holding object bytes, <c>state.json</c> and <c>requests.jsonl</c>.</summary>
    public string DataDirectory { get; }

    /// <summary>Whether the state is kept in <see cref="DataDirectory"/> across restarts (a <c>--data-dir</c> was given).</summary>
    public bool Persistent => _stateFile is not null;

    /// <summary>Objects, uploads, media, pull jobs, callback attempts and counters; lock <see cref="EmulatorState.Sync"/> to read.</summary>
    public EmulatorState State { get; }

    /// <summary>The fault-injection switches.</summary>
    public FaultSwitches Faults { get; }

    /// <summary>The account key and the credentials issued so far.</summary>
    public CredentialStore Credentials { get; }

    /// <summary>Delivers VOD event callbacks.</summary>
    public CallbackDispatcher Callbacks { get; }

    /// <summary>What happens to media after their objects arrive (statuses, events, the transcoding gate).</summary>
    public MediaLifecycle Lifecycle { get; }

    internal VodOperations Vod { get; }

    internal RequestLog Requests { get; }

    /// <summary>Starts an emulator with <paramref name="options"/>; it listens when this returns.</summary>
    /// <exception cref="InvalidDataException">The data folder's state file is damaged; the message names it.</exception>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = timeProvider ?? TimeProvider.System;
        var dataDirectory = Path.GetFullPath(options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "vod-emulator-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))));
        var state = new EmulatorState();
        var faults = new FaultSwitches();
        var credentials = new CredentialStore(options, time);
        var storage = new ObjectStorage(dataDirectory);
        var bucket = options.Bucket ?? "outin-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        StateFile? stateFile = null;
        if (options.DataDirectory is null)
        {
            state.Bucket = bucket;
        }
        else
        {
            stateFile = StateFile.Open(storage, state, credentials, bucket);
        }

        var requests = new RequestLog(dataDirectory, time);
        var callbacks = new CallbackDispatcher(state, faults, time, options.CallbackRetryInterval, options.CallbackAuthKey);
        var lifecycle = new MediaLifecycle(state, callbacks, faults, time, options);
        var vod = new VodOperations(state, credentials, lifecycle, storage, faults, time, options);
        var oss = new OssHandler(state, storage, new OssAuthenticator(credentials, time), faults, time) { ObjectCompleted = lifecycle.OnObjectCompletedAsync };
        var rpc = new RpcHandler(vod, credentials, faults, time);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var host = new EmulatorHost(app, options, dataDirectory, stateFile, state, faults, credentials, callbacks, lifecycle, vod, requests);
        app.Use(requests.MiddlewareAsync);
        app.Use(async (http, next) =>
        {
            try
            {
                await next();
            }
            finally
            {
                // Whatever a request changed is written soon. Only RPC calls (any method) and writes change anything:
                // OSS downloads and the admin pages do not.
                var reads = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method);
                if (!reads || RpcRequest.IsRpc(http))
                {
                    state.MarkChanged();
                }
            }
        });
        app.Use(Cors);
        app.Map("/_emulator", admin => AdminEndpoints.Map(admin, host));
        app.Run(http => RpcRequest.IsRpc(http) ? rpc.HandleAsync(http) : oss.HandleAsync(http));
        try
        {
            await app.StartAsync();
        }
        catch (IOException)
        {
            // Nothing listens (the address is taken or not this machine's): release what the host opened (its request log,
            // state file, temporary data folder) before the caller hears why.
            await host.DisposeAsync();
            throw;
        }

        host.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        vod.PublicEndpoint = options.PublicEndpoint ?? new Uri(host.BaseUri.GetLeftPart(UriPartial.Authority));
        lifecycle.ResumeTranscoding();
        vod.ResumePulls();
        return host;
    }

    /// <summary>Waits until every queued callback was delivered, dropped or abandoned.</summary>
    public async Task WaitForCallbacksAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Callbacks.Idle && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>The whole state in one JSON document, as <c>GET /_emulator/state</c> returns it.</summary>
    public string StateJson() => AdminEndpoints.StateJson(this);

    // Browsers using the VOD upload SDK talk to OSS cross-origin and must read the ETag header.
    private static async Task Cors(HttpContext http, Func<Task> next)
    {
        var headers = http.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlExposeHeaders = "ETag, x-oss-request-id, x-oss-hash-crc64ecma";
        if (http.Request.Method == "OPTIONS")
        {
            headers.AccessControlAllowMethods = "GET, PUT, POST, DELETE, HEAD";
            headers.AccessControlAllowHeaders = http.Request.Headers.AccessControlRequestHeaders.ToString() is { Length: > 0 } requested ? requested : "*";
            headers.AccessControlMaxAge = "600";
            http.Response.StatusCode = 200;
            return;
        }

        await next();
    }

    /// <summary>Stops serving, writes the state (with a data folder) or deletes the temporary folder (without).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Callbacks.DisposeAsync();
        Requests.Dispose();
        if (_stateFile is not null)
        {
            await _stateFile.DisposeAsync();
        }
        else
        {
            ObjectStorage.DeleteQuietly(DataDirectory);
        }
    }
}
