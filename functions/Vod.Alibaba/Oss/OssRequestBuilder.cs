using System.Globalization;
using System.Net;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Rpc;
using Vod.Alibaba.Signing;

namespace Vod.Alibaba.Oss;

/// <summary>The parts of one OSS request before it is dated, signed and addressed.</summary>
internal sealed class OssRequestSpec
{
    public required HttpMethod Method { get; init; }

    public required Uri Endpoint { get; init; }

    public string? Bucket { get; init; }

    public string? Key { get; init; }

    /// <summary>Query parameters in the order sent; a null value is sent as a bare name (<c>?uploads</c>).</summary>
    public List<KeyValuePair<string, string?>> Query { get; } = [];

    /// <summary>Headers to send and sign (Content-Type and Content-MD5 included).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public HttpContent? Content { get; init; }

    public void AddHeader(string name, string? value)
    {
        if (value is not null)
        {
            Headers.Add(new(name, value));
        }
    }

    public void Apply(OssRequestOptions? options)
    {
        if (options is null)
        {
            return;
        }

        AddHeader("Content-Type", options.ContentType);
        AddHeader("Content-MD5", options.ContentMd5);
        AddHeader("x-oss-notification", options.Notification);
        foreach (var (name, value) in options.Metadata ?? new Dictionary<string, string>())
        {
            Headers.Add(new("x-oss-meta-" + name.ToLowerInvariant(), value));
        }
    }
}

/// <summary>Dates, signs (V1 or V4) and addresses OSS requests.</summary>
internal static class OssRequestBuilder
{
    private static readonly HashSet<string> ContentHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-MD5", "Content-Length", "Content-Encoding", "Content-Disposition", "Content-Language", "Expires",
    };

    public static HttpRequestMessage Build(OssRequestSpec spec, AlibabaCredential credential, OssClientOptions options, DateTimeOffset now)
    {
        var headers = spec.Headers;
        var utc = now.UtcDateTime;
        string authorization;
        if (options.SignatureVersion == OssSignatureVersion.V4)
        {
            var ossDate = utc.ToString(OssSignatureV4.DateFormat, CultureInfo.InvariantCulture);
            headers.Add(new("x-oss-date", ossDate));
            headers.Add(new("x-oss-content-sha256", OssSignatureV4.UnsignedPayload));
            AddToken(headers, credential);
            var region = ResolveRegion(spec.Endpoint, options);
            var day = ossDate[..8];
            var scope = OssSignatureV4.Scope(day, region);
            var canonical = OssSignatureV4.CanonicalRequest(spec.Method.Method, spec.Bucket, spec.Key, spec.Query, headers, []);
            var signature = OssSignatureV4.Sign(OssSignatureV4.StringToSign(ossDate, scope, canonical), credential.AccessKeySecret, day, region);
            authorization = OssSignatureV4.Authorization(credential.AccessKeyId, scope, [], signature);
        }
        else
        {
            headers.Add(new("x-oss-date", utc.ToString("r", CultureInfo.InvariantCulture)));
            AddToken(headers, credential);
            var resource = OssSignatureV1.CanonicalResource(spec.Bucket, spec.Key, spec.Query);
            var signature = OssSignatureV1.Sign(OssSignatureV1.StringToSign(spec.Method.Method, headers, resource), credential.AccessKeySecret);
            authorization = OssSignatureV1.Authorization(credential.AccessKeyId, signature);
        }

        var request = new HttpRequestMessage(spec.Method, Address(spec, options, out var host)) { Content = spec.Content };

        // No "Expect: 100-continue": it would cost every part a round trip before its body; a refused part wastes at
        // most one part's bytes, and OSS answers errors after reading the body anyway.
        request.Headers.ExpectContinue = false;
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        foreach (var (name, value) in headers)
        {
            if (ContentHeaders.Contains(name))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    /// <summary>The V4 signing region: the option, else taken from an <c>oss-&lt;region&gt;[-internal].aliyuncs.com</c> host.</summary>
    public static string ResolveRegion(Uri endpoint, OssClientOptions options)
    {
        if (!string.IsNullOrEmpty(options.Region))
        {
            return options.Region.StartsWith("oss-", StringComparison.Ordinal) ? options.Region[4..] : options.Region;
        }

        var label = endpoint.Host.Split('.')[0];
        if (label.StartsWith("oss-", StringComparison.Ordinal))
        {
            var region = label[4..];
            return region.EndsWith("-internal", StringComparison.Ordinal) ? region[..^"-internal".Length] : region;
        }

        throw new InvalidOperationException($"OSS V4 signing needs a region: set {nameof(OssClientOptions)}.{nameof(OssClientOptions.Region)} for endpoint {endpoint.Host}.");
    }

    private static void AddToken(List<KeyValuePair<string, string>> headers, AlibabaCredential credential)
    {
        if (credential.SecurityToken is { } token)
        {
            headers.Add(new("x-oss-security-token", token));
        }
    }

    private static Uri Address(OssRequestSpec spec, OssClientOptions options, out string? hostHeader)
    {
        hostHeader = null;
        var endpoint = spec.Endpoint;
        var authority = endpoint.Authority;
        var path = "/";
        var addressing = options.Addressing == OssAddressingStyle.Automatic
            ? (IsIpOrLocalhost(endpoint.Host) ? OssAddressingStyle.BucketInHostHeader : OssAddressingStyle.VirtualHosted)
            : options.Addressing;
        if (!string.IsNullOrEmpty(spec.Bucket))
        {
            switch (addressing)
            {
                case OssAddressingStyle.VirtualHosted:
                    authority = spec.Bucket + "." + authority;
                    break;
                case OssAddressingStyle.PathStyle:
                    path += spec.Bucket + "/";
                    break;
                case OssAddressingStyle.BucketInHostHeader:
                    hostHeader = spec.Bucket + "." + authority;
                    break;
            }
        }

        if (!string.IsNullOrEmpty(spec.Key))
        {
            path += AcsPercentEncoding.EncodeObjectKeyPath(spec.Key);
        }

        var query = string.Join('&', spec.Query.Select(q => q.Value is null
            ? AcsPercentEncoding.Encode(q.Key)
            : AcsPercentEncoding.Encode(q.Key) + "=" + AcsPercentEncoding.Encode(q.Value)));
        return RpcCaller.ExactUri(endpoint.Scheme + "://" + authority + path + (query.Length > 0 ? "?" + query : string.Empty));
    }

    /// <summary>Whether a host is an IP literal or localhost (then the bucket cannot be a sub-domain).</summary>
    public static bool IsIpOrLocalhost(string host) =>
        IPAddress.TryParse(host.Trim('[', ']'), out _) || host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
}
