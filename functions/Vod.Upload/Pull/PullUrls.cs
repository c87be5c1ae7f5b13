using System.Text.RegularExpressions;

namespace Vod.Upload.Pull;

/// <summary>Keeps SAS signatures out of everything that is shown: logs, statuses, error messages, span attributes.</summary>
public static partial class PullUrls
{
    /// <summary><paramref name="url"/> without its query (where a SAS signature lives): scheme, host and path only.</summary>
    public static string Redact(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Path);
    }

    // Query parameters that grant access rather than name the file: an Azure SAS's, and the signed-URL parameters of
    // OSS and S3. Two URLs that differ only in these name the same source.
    private static readonly HashSet<string> AccessParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "sv", "ss", "srt", "sp", "se", "st", "spr", "sig", "sr", "si", "sip", "skoid", "sktid", "skt", "ske", "sks", "skv", "saoid",
        "suoid", "scid", "sdd", "ses", "rscc", "rscd", "rsce", "rscl", "rsct", "Signature", "Expires", "OSSAccessKeyId", "security-token",
    };

    /// <summary><paramref name="text"/> with every URL query removed (VOD's error messages may quote the URL), and any signature left, even percent-encoded.</summary>
    public static string RedactText(string? text) =>
        string.IsNullOrEmpty(text) ? string.Empty : Signature().Replace(QueryOfUrl().Replace(text, "$1?…"), "$1…");

    /// <summary>
    /// What names the source of <paramref name="url"/>: the URL without the query parameters that only grant access (a
    /// SAS, an OSS or S3 signature), so a fresh SAS for the same blob is the same source while <c>?id=1</c> and
    /// <c>?id=2</c> stay two.
    /// </summary>
    public static string Identity(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var kept = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => Uri.UnescapeDataString(pair.Split('=')[0]) is var name
                && !AccessParameters.Contains(name) && !name.StartsWith("x-oss-", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase))
            .ToList();
        return url.GetLeftPart(UriPartial.Path) + (kept.Count == 0 ? string.Empty : "?" + string.Join('&', kept));
    }

    [GeneratedRegex(@"(https?://[^\s""'?]+)\?[^\s""']*", RegexOptions.IgnoreCase)]
    private static partial Regex QueryOfUrl();

    [GeneratedRegex(@"(sig(?:=|%3D|%253D))[^&\s""',]+", RegexOptions.IgnoreCase)]
    private static partial Regex Signature();
}
