using System.Text.RegularExpressions;

namespace Vod.Functions.Records;

/// <summary>
/// What a media id may look like before it reaches Table Storage or VOD. VOD's ids are 32 hex characters; this allows a
/// little more (letters, digits, <c>-</c>, <c>_</c>, up to 64) but never what a table key refuses (<c>/ \ # ?</c>,
/// control characters) or what would make a request huge, so bad ids get a 400 instead of a storage error.
/// </summary>
public static partial class MediaIds
{
    /// <summary>Whether <paramref name="id"/> can name a media.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
