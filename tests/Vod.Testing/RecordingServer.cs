using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Vod.Testing;

/// <summary>A request as it arrived on the wire.</summary>
public sealed record RecordedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>What the server answers.</summary>
public sealed record ScriptedResponse(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null, string ContentType = "application/json", TimeSpan Delay = default);

/// <summary>
/// A real HTTP server (Kestrel) on a free loopback port that records every request and answers through a script.
/// </summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private RecordingServer(WebApplication app) => _app = app;

    public Func<RecordedRequest, ScriptedResponse> Respond { get; set; } = _ => new ScriptedResponse(200, "{}");

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public RecordedRequest Last => _requests.Last();

    public static async Task<RecordingServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var server = new RecordingServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.First());
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var recorded = new RecordedRequest(context.Request.Method, context.Features.Get<IHttpRequestFeature>()!.RawTarget, headers, buffer.ToArray());
        _requests.Enqueue(recorded);
        var response = Respond(recorded);
        if (response.Delay > TimeSpan.Zero)
        {
            await Task.Delay(response.Delay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            context.Response.ContentType = response.ContentType;
            await context.Response.WriteAsync(response.Body);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
