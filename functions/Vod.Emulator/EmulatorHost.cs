using System.Security.Cryptography;
using System.Text.Json;
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
/// first path segment), and fault injection and introspection under <c>/_emulator/</c>. Start it from a test fixture
/// with <see cref="StartAsync"/> or from the command line through <c>Program</c>.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDataDirectory;

    private EmulatorHost(WebApplication app, EmulatorOptions options, bool ownsDataDirectory, EmulatorState state, FaultSwitches faults,
        CredentialStore credentials, CallbackDispatcher callbacks, MediaLifecycle lifecycle, VodOperations vod, ObjectStorage storage)
    {
        _app = app;
        Options = options;
        _ownsDataDirectory = ownsDataDirectory;
        State = state;
        Faults = faults;
        Credentials = credentials;
        Callbacks = callbacks;
        Lifecycle = lifecycle;
        Vod = vod;
        Storage = storage;
    }

    public EmulatorOptions Options { get; }

    /// <summary>Signalled when the server begins to stop (SIGTERM, Ctrl+C handled by the host).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Where the emulator listens, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    public EmulatorState State { get; }

    public FaultSwitches Faults { get; }

    public CredentialStore Credentials { get; }

    public CallbackDispatcher Callbacks { get; }

    public MediaLifecycle Lifecycle { get; }

    public VodOperations Vod { get; }

    public ObjectStorage Storage { get; }

    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        var ownsData = options.DataDirectory is null;
        var dataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "vod-emulator-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        var state = new EmulatorState();
        var faults = new FaultSwitches();
        var credentials = new CredentialStore(options, time);
        var storage = new ObjectStorage(dataDirectory);
        var callbacks = new CallbackDispatcher(state, faults, time, options.CallbackRetryInterval, options.CallbackAuthKey);
        var lifecycle = new MediaLifecycle(state, callbacks, time, options);
        var vod = new VodOperations(state, credentials, lifecycle, storage, time, options);
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
        var host = new EmulatorHost(app, options, ownsData, state, faults, credentials, callbacks, lifecycle, vod, storage);
        app.Use(Cors);
        app.Map("/_emulator", admin => AdminEndpoints.Map(admin, host));
        app.Run(http => RpcRequest.IsRpc(http) ? rpc.HandleAsync(http) : oss.HandleAsync(http));
        await app.StartAsync();
        host.BaseUri = new Uri(app.Urls.First().TrimEnd('/') + "/");
        vod.PublicEndpoint = options.PublicEndpoint ?? new Uri(host.BaseUri.GetLeftPart(UriPartial.Authority));
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

    /// <summary>A snapshot of the state as the <c>/_emulator/state</c> endpoint returns it.</summary>
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Callbacks.DisposeAsync();
        if (_ownsDataDirectory)
        {
            ObjectStorage.DeleteQuietly(Storage.Root);
        }
    }
}

/// <summary>Serves VOD/STS RPC requests: authentication, throttling injection, dispatch, JSON envelopes.</summary>
public sealed class RpcHandler(VodOperations operations, CredentialStore credentials, FaultSwitches faults, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task HandleAsync(HttpContext http)
    {
        if (faults.VodLatency > TimeSpan.Zero)
        {
            await Task.Delay(faults.VodLatency, http.RequestAborted);
        }

        var requestId = Guid.NewGuid().ToString("D").ToUpperInvariant();
        Dictionary<string, object?> body;
        try
        {
            var request = await RpcRequest.ReadAsync(http);
            if (faults.TakeVodThrottle())
            {
                throw new RpcException(400, "Throttling.User", "Request was denied due to user flow control.");
            }

            request.Authenticate(credentials, time);
            var expected = request.Action == "AssumeRole" ? "2015-04-01" : "2017-03-21";
            var version = request.Get("Version") ?? http.Request.Headers["x-acs-version"].ToString();
            if (version != expected)
            {
                throw new RpcException(400, "InvalidVersion", $"Specified parameter Version is not valid; {request.Action} is served by version {expected}.");
            }

            body = operations.Invoke(request);
            http.Response.StatusCode = 200;
        }
        catch (RpcException error)
        {
            http.Response.StatusCode = error.Status;
            body = new()
            {
                ["HostId"] = http.Request.Host.Value,
                ["Code"] = error.Code,
                ["Message"] = error.Message,
                ["Recommend"] = "https://api.aliyun.com/troubleshoot?q=" + error.Code,
            };
        }

        body["RequestId"] = requestId;
        http.Response.ContentType = "application/json;charset=utf-8";
        await http.Response.WriteAsync(JsonSerializer.Serialize(body.Where(p => p.Value is not null).ToDictionary(), Json), http.RequestAborted);
    }
}
