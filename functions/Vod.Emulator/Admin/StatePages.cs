using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vod.Emulator.State;

namespace Vod.Emulator.Admin;

/// <summary>
/// <c>GET /_emulator/state</c>: without <c>kind</c>, the whole state in one document (as it always was; it grows with
/// every upload); <c>kind=summary</c>, the bucket and how many there are of each kind; with
/// <c>kind=media|objects|uploads|urlJobs|callbacks|credentials|requests</c>, one page of that kind, newest first:
/// <c>{kind, page, pageSize, total, pages, items}</c> (<c>page</c> from 1, <c>pageSize</c> 1–1000, default 50).
/// Credentials never show a secret or token.
/// </summary>
internal static class StatePages
{
    /// <summary>The kinds that page, in the order the summary lists them.</summary>
    public static readonly string[] Kinds = ["media", "objects", "uploads", "urlJobs", "callbacks", "credentials", "requests"];

    /// <summary>Page size when none is asked for.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>Largest page size.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The JSON answer for <paramref name="query"/>.</summary>
    /// <exception cref="ArgumentException">An unknown kind, or a page or page size out of range.</exception>
    public static string Render(EmulatorHost host, IQueryCollection query)
    {
        var kind = query["kind"].ToString();
        if (kind.Length == 0)
        {
            return AdminEndpoints.StateJson(host);
        }

        if (kind == "summary")
        {
            return Summary(host);
        }

        if (!Kinds.Contains(kind, StringComparer.Ordinal))
        {
            throw new ArgumentException($"kind must be summary or one of {string.Join(", ", Kinds)}, not '{kind}'.");
        }

        var page = Number(query, "page", 1, 1, int.MaxValue);
        var pageSize = Number(query, "pageSize", DefaultPageSize, 1, MaxPageSize);
        var all = Items(host, kind);
        var items = all.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize)).Take(pageSize).ToList();
        return JsonSerializer.Serialize(new
        {
            kind,
            page,
            pageSize,
            total = all.Count,
            pages = (all.Count + pageSize - 1) / pageSize,
            items,
        }, AdminEndpoints.Json);
    }

    private static string Summary(EmulatorHost host)
    {
        var state = host.State;
        lock (state.Sync)
        {
            return JsonSerializer.Serialize(new
            {
                bucket = state.Bucket,
                counts = new Dictionary<string, long>
                {
                    ["media"] = state.Media.Count,
                    ["objects"] = state.Objects.Count,
                    ["uploads"] = state.Uploads.Count,
                    ["urlJobs"] = state.UrlJobs.Count,
                    ["callbacks"] = state.Callbacks.Count,
                    ["credentials"] = host.Credentials.Issued.Count,
                    ["requests"] = host.Requests.Count,
                },
                partUploadsHeld = host.Faults.PartGate.Held,
                pages = "/_emulator/state?kind={" + string.Join('|', Kinds) + "}&page=1&pageSize=" + DefaultPageSize.ToString(CultureInfo.InvariantCulture),
                everything = "/_emulator/state",
            }, AdminEndpoints.Json);
        }
    }

    /// <summary>Every item of <paramref name="kind"/>, newest first, as the page shows it.</summary>
    private static List<object> Items(EmulatorHost host, string kind)
    {
        if (kind == "requests")
        {
            return [.. host.Requests.Recent()];
        }

        if (kind == "credentials")
        {
            return [.. host.Credentials.Issued.OrderByDescending(c => c.ExpiresAt)
                .Select(c => new { c.AccessKeyId, c.ExpiresAt, c.Bucket, c.Key, c.KeyPrefix, c.MayCallVod, c.AllowedActions })];
        }

        var state = host.State;
        lock (state.Sync)
        {
            return kind switch
            {
                "media" => [.. state.Media.Values.OrderByDescending(m => m.CreationTime).Select(m => new
                {
                    media = m,
                    download = state.Objects.ContainsKey(EmulatorState.ObjectId(m.Bucket, m.Key)) ? ObjectDownload.PathOf(m.Bucket, m.Key) : null,
                })],
                "objects" => [.. state.Objects.Values.OrderByDescending(o => o.LastModified).Select(o => new
                {
                    @object = o,
                    bytesReceived = state.BytesReceivedPerObject.GetValueOrDefault(EmulatorState.ObjectId(o.Bucket, o.Key)),
                    download = ObjectDownload.PathOf(o.Bucket, o.Key),
                })],
                "uploads" => [.. state.Uploads.Values.OrderByDescending(u => u.Initiated).Select(u => new
                {
                    u.UploadId, u.Bucket, u.Key, u.Initiated,
                    bytesReceived = state.BytesReceivedPerUpload.GetValueOrDefault(u.UploadId),
                    partUploadsReceived = state.PartUploadsReceived.GetValueOrDefault(u.UploadId),
                    parts = u.Parts.Values.ToList(),
                })],
                "urlJobs" => [.. state.UrlJobs.Values.OrderByDescending(j => j.CreationTime)],
                _ => [.. state.Callbacks.AsEnumerable().Reverse()],
            };
        }
    }

    private static int Number(IQueryCollection query, string name, int fallback, int min, int max)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{text}'.");
    }
}
