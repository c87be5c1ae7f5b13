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

    /// <summary><paramref name="text"/> with every URL query removed (VOD's error messages may quote the URL).</summary>
    public static string RedactText(string? text) => string.IsNullOrEmpty(text) ? string.Empty : QueryOfUrl().Replace(text, "$1?…");

    [GeneratedRegex(@"(https?://[^\s""'?]+)\?[^\s""']*", RegexOptions.IgnoreCase)]
    private static partial Regex QueryOfUrl();
}
