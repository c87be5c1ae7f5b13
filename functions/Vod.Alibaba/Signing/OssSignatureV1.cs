using System.Security.Cryptography;
using System.Text;

namespace Vod.Alibaba.Signing;

/// <summary>
/// OSS header signature V1: <c>Authorization: OSS AccessKeyId:Signature</c>, HMAC-SHA1 keyed with the raw secret.
/// </summary>
public static class OssSignatureV1
{
    /// <summary>
    /// The query names that are OSS sub-resources and therefore part of the canonical resource. Every other query
    /// parameter (<c>max-parts</c>, <c>encoding-type</c> …) is ignored by the signature.
    /// </summary>
    public static readonly IReadOnlySet<string> SubResources = new HashSet<string>(StringComparer.Ordinal)
    {
        "acl", "uploads", "location", "cors", "logging", "website", "referer", "lifecycle", "delete", "append",
        "tagging", "objectMeta", "uploadId", "partNumber", "security-token", "position", "img", "style", "styleName",
        "replication", "replicationProgress", "replicationLocation", "cname", "bucketInfo", "comp", "qos", "live",
        "status", "vod", "startTime", "endTime", "symlink", "x-oss-process", "response-content-type",
        "response-content-language", "response-expires", "response-cache-control", "response-content-disposition",
        "response-content-encoding", "restore", "callback", "callback-var", "policy", "stat", "encryption", "versions",
        "versioning", "versionId", "continuation-token", "worm", "wormId", "wormExtend", "inventory", "inventoryId",
        "x-oss-traffic-limit", "requestPayment", "x-oss-request-payer",
    };

    /// <summary>
    /// The canonical resource: <c>/bucket/key</c> with the decoded key, then the sub-resources sorted by name
    /// (<c>name</c> or <c>name=value</c>, an empty value giving the bare name).
    /// </summary>
    public static string CanonicalResource(string? bucket, string? key, IEnumerable<KeyValuePair<string, string?>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var builder = new StringBuilder("/");
        if (!string.IsNullOrEmpty(bucket))
        {
            builder.Append(bucket).Append('/');
            builder.Append(key);
        }

        var separator = '?';
        foreach (var (name, value) in query.Where(q => SubResources.Contains(q.Key)).OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            builder.Append(separator).Append(name);
            if (!string.IsNullOrEmpty(value))
            {
                builder.Append('=').Append(value);
            }

            separator = '&';
        }

        return builder.ToString();
    }

    /// <summary>
    /// The canonicalized OSS headers: every <c>x-oss-*</c> header, name lower-cased, value trimmed, sorted by name,
    /// each as <c>name:value\n</c>.
    /// </summary>
    public static string CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var builder = new StringBuilder();
        foreach (var (name, value) in headers
                     .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim()))
                     .Where(h => h.Name.StartsWith("x-oss-", StringComparison.Ordinal))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>
    /// The string to sign. <paramref name="headers"/> are all request headers; the date line is <c>x-oss-date</c>
    /// when present, else <c>Date</c>.
    /// </summary>
    public static string StringToSign(string httpMethod, IReadOnlyCollection<KeyValuePair<string, string>> headers, string canonicalResource)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string Header(string name) => headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty;
        var date = Header("x-oss-date");
        if (date.Length == 0)
        {
            date = Header("Date");
        }

        return httpMethod.ToUpperInvariant() + "\n" + Header("Content-MD5") + "\n" + Header("Content-Type") + "\n" + date + "\n"
            + CanonicalHeaders(headers) + canonicalResource;
    }

    /// <summary>Base64 HMAC-SHA1 of the string to sign keyed with the raw secret (no trailing <c>&amp;</c>).</summary>
#pragma warning disable CA5350 // HMAC-SHA1 is what the OSS V1 protocol mandates.
    public static string Sign(string stringToSign, string accessKeySecret) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign)));
#pragma warning restore CA5350

    /// <summary>The <c>Authorization</c> header value.</summary>
    public static string Authorization(string accessKeyId, string signature) => $"OSS {accessKeyId}:{signature}";
}
