using System.Security.Cryptography;
using System.Text;

namespace Vod.Alibaba.Signing;

/// <summary>OSS header signature V4 (<c>OSS4-HMAC-SHA256</c>).</summary>
public static class OssSignatureV4
{
    /// <summary>The algorithm name.</summary>
    public const string Algorithm = "OSS4-HMAC-SHA256";

    /// <summary>The only payload hash OSS accepts in <c>x-oss-content-sha256</c>.</summary>
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>The <c>x-oss-date</c> format (<c>yyyyMMddTHHmmssZ</c>).</summary>
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>The canonical request.</summary>
    public static string CanonicalRequest(
        string httpMethod,
        string? bucket,
        string? key,
        IEnumerable<KeyValuePair<string, string?>> query,
        IEnumerable<KeyValuePair<string, string>> headers,
        IReadOnlyCollection<string> additionalHeaders)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(additionalHeaders);
        var resource = "/" + (string.IsNullOrEmpty(bucket) ? string.Empty : bucket + "/") + (key ?? string.Empty);
        var canonicalQuery = string.Join('&', query
            .Select(q => (Name: AcsPercentEncoding.Encode(q.Key), Value: q.Value is null ? null : AcsPercentEncoding.Encode(q.Value)))
            .OrderBy(q => q.Name, StringComparer.Ordinal)
            .Select(q => q.Value is null ? q.Name : q.Name + "=" + q.Value));
        var additional = new HashSet<string>(additionalHeaders.Select(h => h.ToLowerInvariant()), StringComparer.Ordinal);
        var canonicalHeaders = string.Concat(headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim()))
            .Where(h => h.Name is "content-type" or "content-md5" || h.Name.StartsWith("x-oss-", StringComparison.Ordinal) || additional.Contains(h.Name))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => h.Name + ":" + h.Value + "\n"));
        var payload = headers.FirstOrDefault(h => h.Key.Equals("x-oss-content-sha256", StringComparison.OrdinalIgnoreCase)).Value ?? UnsignedPayload;
        return httpMethod.ToUpperInvariant() + "\n" + AcsPercentEncoding.EncodeKeepingSlash(resource) + "\n" + canonicalQuery + "\n"
            + canonicalHeaders + "\n" + string.Join(';', additional.Order(StringComparer.Ordinal)) + "\n" + payload;
    }

    /// <summary>The credential scope <c>yyyyMMdd/region/oss/aliyun_v4_request</c>.</summary>
    public static string Scope(string yyyymmdd, string region) => $"{yyyymmdd}/{region}/oss/aliyun_v4_request";

    /// <summary>The string to sign.</summary>
    public static string StringToSign(string ossDate, string scope, string canonicalRequest) =>
        Algorithm + "\n" + ossDate + "\n" + scope + "\n" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));

    /// <summary>Hex signature from the derived signing key.</summary>
    public static string Sign(string stringToSign, string accessKeySecret, string yyyymmdd, string region)
    {
        var k1 = HMACSHA256.HashData(Encoding.UTF8.GetBytes("aliyun_v4" + accessKeySecret), Encoding.UTF8.GetBytes(yyyymmdd));
        var k2 = HMACSHA256.HashData(k1, Encoding.UTF8.GetBytes(region));
        var k3 = HMACSHA256.HashData(k2, "oss"u8);
        var k4 = HMACSHA256.HashData(k3, "aliyun_v4_request"u8);
        return Convert.ToHexStringLower(HMACSHA256.HashData(k4, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>The <c>Authorization</c> header value.</summary>
    public static string Authorization(string accessKeyId, string scope, IReadOnlyCollection<string> additionalHeaders, string signature)
    {
        ArgumentNullException.ThrowIfNull(additionalHeaders);
        var additional = additionalHeaders.Count == 0
            ? string.Empty
            : "AdditionalHeaders=" + string.Join(';', additionalHeaders.Select(h => h.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal)) + ",";
        return $"{Algorithm} Credential={accessKeyId}/{scope},{additional}Signature={signature}";
    }
}
