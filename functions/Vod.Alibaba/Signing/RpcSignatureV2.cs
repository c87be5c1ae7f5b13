using System.Security.Cryptography;
using System.Text;

namespace Vod.Alibaba.Signing;

/// <summary>
/// Alibaba Cloud RPC signature version 1.0 ("V2", HMAC-SHA1) used by VOD and STS.
/// </summary>
/// <remarks>
/// Parameters are RFC 3986 encoded, sorted by encoded name (ordinal), joined as the canonical query; the string to sign
/// is <c>VERB&amp;%2F&amp;</c> followed by the canonical query encoded a second time; the key is the secret plus
/// <c>&amp;</c>.
/// </remarks>
public static class RpcSignatureV2
{
    /// <summary>The <c>SignatureMethod</c> parameter value.</summary>
    public const string SignatureMethod = "HMAC-SHA1";

    /// <summary>The <c>SignatureVersion</c> parameter value.</summary>
    public const string SignatureVersion = "1.0";

    /// <summary>Builds the canonical query: every parameter except <c>Signature</c>, encoded and sorted.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var encoded = parameters
            .Where(p => p.Key != "Signature")
            .Select(p => (Name: AcsPercentEncoding.Encode(p.Key), Value: AcsPercentEncoding.Encode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value);
        return string.Join('&', encoded);
    }

    /// <summary>Builds the string to sign for <paramref name="httpMethod"/> and the given parameters.</summary>
    public static string StringToSign(string httpMethod, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(httpMethod);
        return httpMethod.ToUpperInvariant() + "&" + AcsPercentEncoding.Encode("/") + "&"
            + AcsPercentEncoding.Encode(CanonicalQuery(parameters));
    }

    /// <summary>Computes the Base64 signature of a string to sign with <paramref name="accessKeySecret"/>.</summary>
    public static string Sign(string stringToSign, string accessKeySecret)
    {
        ArgumentNullException.ThrowIfNull(stringToSign);
        ArgumentNullException.ThrowIfNull(accessKeySecret);
        var key = Encoding.UTF8.GetBytes(accessKeySecret + "&");
#pragma warning disable CA5350 // HMAC-SHA1 is what RPC signature version 1.0 mandates.
        return Convert.ToBase64String(HMACSHA1.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
#pragma warning restore CA5350
    }

    /// <summary>Signs a parameter set for <paramref name="httpMethod"/>.</summary>
    public static string Sign(string httpMethod, IEnumerable<KeyValuePair<string, string>> parameters, string accessKeySecret) =>
        Sign(StringToSign(httpMethod, parameters), accessKeySecret);
}
