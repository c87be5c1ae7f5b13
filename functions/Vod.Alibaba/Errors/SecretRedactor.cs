using System.Text.RegularExpressions;
using Vod.Alibaba.Signing;

namespace Vod.Alibaba.Errors;

/// <summary>
/// Removes secret values from text that came back from a service or from our own diagnostics, before it can reach an
/// exception message or a log.
/// </summary>
public static partial class SecretRedactor
{
    /// <summary>What a redacted value is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>
    /// Replaces every occurrence of each secret (raw, percent-encoded once and twice) with <see cref="Mask"/>, and cuts
    /// the string-to-sign echo VOD puts in <c>SignatureDoesNotMatch</c> messages (it embeds the security token).
    /// </summary>
    public static string Redact(string? text, IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var match = StringToSignEcho().Match(text);
        if (match.Success)
        {
            text = text[..(match.Index + match.Length)] + Mask;
        }

        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret) || secret.Length < 4)
            {
                continue;
            }

            var once = AcsPercentEncoding.Encode(secret);
            var twice = AcsPercentEncoding.Encode(once);
            text = text.Replace(twice, Mask, StringComparison.Ordinal)
                .Replace(once, Mask, StringComparison.Ordinal)
                .Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    [GeneratedRegex("string to sign is:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StringToSignEcho();
}
