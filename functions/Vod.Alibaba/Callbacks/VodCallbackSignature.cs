using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vod.Alibaba.Callbacks;

/// <summary>Why a callback was not accepted as VOD's.</summary>
public enum CallbackAuthResult
{
    /// <summary>Signed with a configured key, within the time window.</summary>
    Valid,

    /// <summary>Unsigned, and unsigned callbacks are explicitly allowed.</summary>
    UnsignedAllowed,

    /// <summary><c>X-VOD-TIMESTAMP</c> or <c>X-VOD-SIGNATURE</c> is missing or malformed.</summary>
    MissingHeaders,

    /// <summary>No key is configured and unsigned callbacks are not allowed.</summary>
    NoKeyConfigured,

    /// <summary>The timestamp is outside the window.</summary>
    Stale,

    /// <summary>The signature matches no configured key.</summary>
    BadSignature,
}

/// <summary>
/// VOD's HTTP callback authentication: <c>X-VOD-SIGNATURE = md5hex(url|X-VOD-TIMESTAMP|key)</c> over the callback URL
/// configured in VOD (not the URL the request arrived on: proxies change it). The body is not signed.
/// </summary>
public static class VodCallbackSignature
{
    /// <summary>The signature for a URL, timestamp and key.</summary>
    public static string Compute(string url, string timestamp, string key)
    {
#pragma warning disable CA5351 // VOD defines its callback signature with MD5.
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(url + "|" + timestamp + "|" + key)));
#pragma warning restore CA5351
    }

    /// <summary>
    /// Checks a callback against the current key and, during rotation, the previous one; the timestamp must be within
    /// <paramref name="window"/> of <paramref name="now"/>.
    /// </summary>
    public static CallbackAuthResult Verify(string publicUrl, string? timestamp, string? signature, IEnumerable<string?> keys, TimeSpan window, DateTimeOffset now, bool allowUnsigned)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var configured = keys.Where(k => !string.IsNullOrEmpty(k)).Select(k => k!).ToList();
        if (configured.Count == 0)
        {
            return allowUnsigned ? CallbackAuthResult.UnsignedAllowed : CallbackAuthResult.NoKeyConfigured;
        }

        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature) || signature.Length != 32
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return CallbackAuthResult.MissingHeaders;
        }

        DateTimeOffset at;
        try
        {
            at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            return CallbackAuthResult.Stale;
        }

        if ((now - at).Duration() > window)
        {
            return CallbackAuthResult.Stale;
        }

        var provided = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        foreach (var key in configured)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(publicUrl, timestamp, key)), provided))
            {
                return CallbackAuthResult.Valid;
            }
        }

        return CallbackAuthResult.BadSignature;
    }
}
