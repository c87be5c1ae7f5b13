using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Vod.Emulator.State;

namespace Vod.Emulator.Admin;

/// <summary>
/// <c>GET /_emulator/objects/{bucket}/{key}</c>: a stored object's bytes, streamed from disk, without a signature —
/// for a person checking what arrived (the index links every media to it). OSS's own GetObject still wants one.
/// </summary>
internal static class ObjectDownload
{
    private const string Prefix = "/_emulator/objects/";

    /// <summary>The download path of an object (key segments escaped, slashes kept).</summary>
    public static string PathOf(string bucket, string key) =>
        Prefix + Uri.EscapeDataString(bucket) + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    /// <summary>Streams the object the request names, or answers 404 with a problem document.</summary>
    public static async Task ServeAsync(HttpContext http, EmulatorHost host)
    {
        // The raw target, so an escaped '/' inside a key segment stays part of that segment.
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.PathBase + http.Request.Path;
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var rest = (query < 0 ? raw : raw[..query])[Prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        StoredObject? stored = null;
        if (slash > 0)
        {
            var bucket = Uri.UnescapeDataString(rest[..slash]);
            var key = string.Join('/', rest[(slash + 1)..].Split('/').Select(Uri.UnescapeDataString));
            lock (host.State.Sync)
            {
                stored = host.State.Objects.GetValueOrDefault(EmulatorState.ObjectId(bucket, key));
            }
        }

        if (stored is null)
        {
            await AdminEndpoints.ProblemAsync(http, 404, "emulator.object-not-found", "No stored object at " + rest + ".");
            return;
        }

        var response = http.Response;
        response.ContentType = stored.ContentType ?? "application/octet-stream";
        response.ContentLength = stored.Size;
        response.Headers.ETag = stored.ETag;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = stored.Key.Split('/')[^1] }.ToString();
        if (http.Request.Method == "HEAD")
        {
            return;
        }

        await response.SendFileAsync(stored.FilePath, http.RequestAborted);
    }
}
