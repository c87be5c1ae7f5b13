using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vod.Emulator.State;

namespace Vod.Emulator.Admin;

/// <summary>
/// Fault injection and introspection under <c>/_emulator/</c>: the index page, health, paged state, object downloads
/// and the fault switches (each takes a small JSON body). Errors are RFC 7807 problem documents with a stable code.
/// </summary>
internal static class AdminEndpoints
{
    /// <summary>How the admin endpoints write JSON (camelCase, enums as names, indented).</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serves every <c>/_emulator/</c> route of <paramref name="host"/>.</summary>
    public static void Map(IApplicationBuilder admin, EmulatorHost host) => admin.Run(async http =>
    {
        var path = http.Request.Path.Value?.Trim('/') ?? string.Empty;
        try
        {
            if (http.Request.Method is "GET" or "HEAD" && path.StartsWith("objects/", StringComparison.Ordinal))
            {
                await ObjectDownload.ServeAsync(http, host);
                return;
            }

            switch (http.Request.Method, path)
            {
                case ("GET", ""):
                    http.Response.ContentType = "text/html; charset=utf-8";
                    await http.Response.WriteAsync(IndexPage.Render(host), http.RequestAborted);
                    return;
                case ("GET", "state"):
                    await Write(http, 200, StatePages.Render(host, http.Request.Query));
                    return;
                case ("GET", "health"):
                    http.Response.ContentType = "text/plain; charset=utf-8";
                    await http.Response.WriteAsync("ok", http.RequestAborted);
                    return;
                case ("POST", "faults/upload-part"):
                {
                    var body = await Read<PartFaultRequest>(http);
                    host.Faults.FailUploadParts(body.Count, body.Fraction, body.Status ?? 503, body.Mode ?? PartFailureMode.Status, body.Code);
                    break;
                }

                case ("POST", "faults/latency"):
                {
                    var body = await Read<LatencyRequest>(http);
                    host.Faults.OssLatency = TimeSpan.FromMilliseconds(body.OssMilliseconds);
                    host.Faults.VodLatency = TimeSpan.FromMilliseconds(body.VodMilliseconds);
                    break;
                }

                case ("POST", "faults/hold-parts"):
                    host.Faults.PartGate.HoldAfter((await Read<AfterRequest>(http)).After);
                    break;
                case ("POST", "faults/release-parts"):
                    host.Faults.PartGate.Release();
                    break;
                case ("POST", "media/hold-transcoding"):
                    host.Lifecycle.TranscodeGate.HoldAfter(0);
                    break;
                case ("POST", "media/release-transcoding"):
                    host.Lifecycle.TranscodeGate.Release();
                    break;
                case ("POST", "faults/transcode"):
                    host.Faults.FailTranscodes((await Read<CountRequest>(http)).Count);
                    break;
                case ("POST", "faults/pull"):
                {
                    var body = await Read<PullFaultRequest>(http);
                    host.Faults.FailPulls(body.RefuseUrls, body.FailJobs);
                    host.Faults.PullQueueDelay = TimeSpan.FromMilliseconds(body.QueueDelayMilliseconds);
                    host.Faults.PullCallbackName = body.CallbackName;
                    break;
                }

                case ("POST", "faults/hold-pulls"):
                    host.Faults.PullQueueGate.HoldAfter(0);
                    break;
                case ("POST", "faults/release-pulls"):
                    host.Faults.PullQueueGate.Release();
                    break;
                case ("POST", "faults/throttle-vod"):
                    host.Faults.ThrottleVod((await Read<CountRequest>(http)).Count);
                    break;
                case ("POST", "faults/callbacks"):
                {
                    var body = await Read<CallbackFaultRequest>(http);
                    host.Faults.SetCallbackFault(body.Mode, body.Count, TimeSpan.FromMilliseconds(body.DelayMilliseconds));
                    break;
                }

                case ("POST", "faults/reset"):
                    host.Faults.Reset();
                    host.Credentials.Lifetime = host.Options.CredentialLifetime;
                    break;
                case ("POST", "credentials/lifetime"):
                {
                    var seconds = (await Read<SecondsRequest>(http)).Seconds;
                    if (seconds <= 0)
                    {
                        throw new ArgumentException("A lifetime is a positive number of seconds.");
                    }

                    host.Credentials.Lifetime = TimeSpan.FromSeconds(seconds);
                    break;
                }

                case ("POST", "credentials/expire-all"):
                    host.Credentials.ExpireAll();
                    break;
                case ("POST", "config/callback"):
                {
                    var body = await Read<CallbackConfigRequest>(http);
                    host.Lifecycle.DefaultCallbackUrl = body.Url is null ? null : new Uri(body.Url);
                    host.Callbacks.AuthKey = body.AuthKey;
                    break;
                }

                default:
                    await ProblemAsync(http, 404, "emulator.route-not-found", $"No emulator endpoint {http.Request.Method} /_emulator/{path}; GET /_emulator/ lists them.");
                    return;
            }

            await Write(http, 200, "{\"ok\":true}");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or UriFormatException)
        {
            await ProblemAsync(http, 400, "emulator.bad-request", ex.Message);
        }
    });

    /// <summary>An RFC 7807 problem document with a stable <c>code</c>.</summary>
    internal static async Task ProblemAsync(HttpContext http, int status, string code, string detail)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/problem+json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            type = "about:blank",
            title = status == 404 ? "Not found" : "Bad request",
            status,
            detail,
            code,
        }, Json), http.RequestAborted);
    }

    /// <summary>The whole state in one document: what in-process tests read and <c>GET /_emulator/state</c> answers.</summary>
    public static string StateJson(EmulatorHost host)
    {
        var state = host.State;
        lock (state.Sync)
        {
            return JsonSerializer.Serialize(new
            {
                bucket = state.Bucket,
                objects = state.Objects.Values,
                uploads = state.Uploads.Values.Select(u => new { u.UploadId, u.Bucket, u.Key, u.Initiated, parts = u.Parts.Values }),
                media = state.Media.Values,
                urlJobs = state.UrlJobs.Values,
                callbacks = state.Callbacks,
                bytesReceivedPerObject = state.BytesReceivedPerObject,
                bytesReceivedPerUpload = state.BytesReceivedPerUpload,
                partUploadsReceived = state.PartUploadsReceived,
                partUploadsWithContentMd5 = state.PartUploadsWithContentMd5,
                partUploadsHeld = host.Faults.PartGate.Held,
                credentials = host.Credentials.Issued.Select(c => new { c.AccessKeyId, c.ExpiresAt, c.Bucket, c.Key, c.KeyPrefix, c.MayCallVod, c.AllowedActions }),
            }, Json);
        }
    }

    private static async Task<T> Read<T>(HttpContext http) where T : new()
    {
        if (http.Request.ContentLength is 0 or null && http.Request.Headers.TransferEncoding.Count == 0)
        {
            return new T();
        }

        return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted) ?? new T();
    }

    private static async Task Write(HttpContext http, int status, string json)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(json);
    }

    private sealed class PartFaultRequest
    {
        public int Count { get; set; }

        public double Fraction { get; set; }

        public int? Status { get; set; }

        public PartFailureMode? Mode { get; set; }

        public string? Code { get; set; }
    }

    private sealed class PullFaultRequest
    {
        public int RefuseUrls { get; set; }

        public int FailJobs { get; set; }

        public int QueueDelayMilliseconds { get; set; }

        public PullCallbackName CallbackName { get; set; }
    }

    private sealed class LatencyRequest
    {
        public int OssMilliseconds { get; set; }

        public int VodMilliseconds { get; set; }
    }

    private sealed class AfterRequest
    {
        public int After { get; set; }
    }

    private sealed class CountRequest
    {
        public int Count { get; set; }
    }

    private sealed class SecondsRequest
    {
        public double Seconds { get; set; }
    }

    private sealed class CallbackFaultRequest
    {
        public CallbackFaultMode Mode { get; set; }

        public int Count { get; set; } = 1;

        public int DelayMilliseconds { get; set; }
    }

    private sealed class CallbackConfigRequest
    {
        public string? Url { get; set; }

        public string? AuthKey { get; set; }
    }
}
