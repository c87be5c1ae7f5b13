using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Vod.Emulator.Oss;

/// <summary>An OSS request taken apart: bucket and key (from the Host header or the path), query, headers.</summary>
internal sealed class OssRequestContext
{
    private OssRequestContext(HttpContext http, string? bucket, string? key, List<KeyValuePair<string, string?>> query)
    {
        Http = http;
        Bucket = bucket;
        Key = key;
        Query = query;
    }

    public HttpContext Http { get; }

    public string Method => Http.Request.Method;

    public string? Bucket { get; }

    public string? Key { get; }

    /// <summary>Decoded query parameters in arrival order; a bare name or an empty value gives null.</summary>
    public List<KeyValuePair<string, string?>> Query { get; }

    public bool Has(string name) => Query.Any(q => q.Key == name);

    public string? Get(string name) => Query.FirstOrDefault(q => q.Key == name).Value;

    public string? Header(string name) => Http.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>All headers as name/value pairs, as signed.</summary>
    public List<KeyValuePair<string, string>> Headers =>
        Http.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).ToList();

    /// <summary>
    /// Reads the bucket from the first label of the Host header when the host is a name, else from the first path
    /// segment (path style), so ali-oss pointed at an IP (bucket in Host) and path-style clients both work.
    /// </summary>
    public static OssRequestContext From(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? raw : raw[..q];
        var query = q < 0 ? [] : ParseQuery(raw[(q + 1)..]);

        var host = http.Request.Host.Host;
        string? bucket = null;
        var rest = path.TrimStart('/');
        if (!IsIpOrLocalhost(host) && host.Contains('.', StringComparison.Ordinal))
        {
            bucket = host[..host.IndexOf('.', StringComparison.Ordinal)];
        }
        else if (rest.Length > 0)
        {
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            bucket = slash < 0 ? rest : rest[..slash];
            rest = slash < 0 ? string.Empty : rest[(slash + 1)..];
        }

        var key = rest.Length == 0 ? null : Uri.UnescapeDataString(rest);
        return new OssRequestContext(http, bucket is { Length: > 0 } ? Uri.UnescapeDataString(bucket) : null, key, query);
    }

    public static bool IsIpOrLocalhost(string host) =>
        IPAddress.TryParse(host.Trim('[', ']'), out _) || host.Equals("localhost", StringComparison.OrdinalIgnoreCase);

    private static List<KeyValuePair<string, string?>> ParseQuery(string query) =>
        query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 || eq == pair.Length - 1 ? null : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            return new KeyValuePair<string, string?>(name, value);
        }).ToList();

    public int? IntQuery(string name) =>
        int.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
