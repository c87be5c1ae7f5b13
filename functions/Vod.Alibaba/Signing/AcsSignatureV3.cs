using System.Security.Cryptography;
using System.Text;

namespace Vod.Alibaba.Signing;

/// <summary>
/// Alibaba Cloud API signature V3 (<c>ACS3-HMAC-SHA256</c>), header-based and accepted by VOD and STS.
/// </summary>
public static class AcsSignatureV3
{
    /// <summary>The algorithm name carried in the <c>Authorization</c> header.</summary>
    public const string Algorithm = "ACS3-HMAC-SHA256";

    /// <summary>Hex SHA-256 of an empty body.</summary>
    public const string EmptyBodySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Whether a header takes part in the V3 signature: <c>host</c>, <c>content-type</c> and <c>x-acs-*</c>.</summary>
    public static bool IsSignedHeader(string name) =>
        name.Equals("host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-acs-", StringComparison.OrdinalIgnoreCase);

    /// <summary>Canonical query: sorted by name, <c>name=encoded(value)</c>, joined by <c>&amp;</c>.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return string.Join('&', query
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => AcsPercentEncoding.Encode(p.Key) + "=" + AcsPercentEncoding.Encode(p.Value)));
    }

    /// <summary>
    /// Builds the canonical request from the headers that are signed (<see cref="IsSignedHeader"/>); returns it with
    /// the <c>SignedHeaders</c> list.
    /// </summary>
    public static (string CanonicalRequest, string SignedHeaders) CanonicalRequest(
        string httpMethod,
        string canonicalUri,
        IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headers,
        string hexBodySha256)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var signed = headers
            .Where(h => IsSignedHeader(h.Key))
            .GroupBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => h.Value.Trim()).OrderBy(v => v, StringComparer.Ordinal))))
            .ToList();
        var canonicalHeaders = string.Concat(signed.Select(h => h.Name + ":" + h.Value + "\n"));
        var signedHeaders = string.Join(';', signed.Select(h => h.Name));
        var canonical = httpMethod.ToUpperInvariant() + "\n" + canonicalUri + "\n" + CanonicalQuery(query) + "\n"
            + canonicalHeaders + "\n" + signedHeaders + "\n" + hexBodySha256;
        return (canonical, signedHeaders);
    }

    /// <summary>The string to sign for a canonical request.</summary>
    public static string StringToSign(string canonicalRequest) =>
        Algorithm + "\n" + HexSha256(Encoding.UTF8.GetBytes(canonicalRequest));

    /// <summary>Hex HMAC-SHA256 of the string to sign, keyed with the raw secret.</summary>
    public static string Sign(string stringToSign, string accessKeySecret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKeySecret), Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>The full <c>Authorization</c> header value.</summary>
    public static string Authorization(string accessKeyId, string signedHeaders, string signature) =>
        $"{Algorithm} Credential={accessKeyId},SignedHeaders={signedHeaders},Signature={signature}";

    /// <summary>Lower-case hex SHA-256.</summary>
    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
