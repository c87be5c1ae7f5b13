namespace Vod.Alibaba.VodApi;

/// <summary>What VOD accepts: file extensions per media kind, and the field limits of its upload APIs.</summary>
public static class VodMediaRules
{
    /// <summary>Video container extensions VOD accepts (lower case, no dot).</summary>
    public static readonly IReadOnlySet<string> VideoExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "mp4", "ts", "3gp", "mpg", "mpeg", "mpe", "dat", "vob", "asf", "avi", "wmv", "flv", "f4v", "rm", "rmvb", "mov",
        "mkv", "m3u8", "dv", "gif", "m2t", "m4v", "mj2", "mjpeg", "mts", "ogg", "qt", "swf", "webm",
    };

    /// <summary>Audio extensions VOD accepts.</summary>
    public static readonly IReadOnlySet<string> AudioExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "mp3", "wma", "wav", "aac", "ra", "m4a", "flac", "ape", "ac3", "amr", "caf", "acm",
    };

    /// <summary>Image extensions CreateUploadImage accepts.</summary>
    public static readonly IReadOnlySet<string> ImageExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "png", "jpg", "jpeg", "gif",
    };

    /// <summary>Image types CreateUploadImage accepts.</summary>
    public static readonly IReadOnlySet<string> ImageTypes = new HashSet<string>(StringComparer.Ordinal) { "default", "cover", "watermark" };

    /// <summary>Business types CreateUploadAttachedMedia accepts.</summary>
    public static readonly IReadOnlySet<string> AttachedMediaBusinessTypes = new HashSet<string>(StringComparer.Ordinal) { "watermark", "subtitle", "material" };

    /// <summary>Longest title, in characters (images: UTF-8 bytes).</summary>
    public const int MaxTitleLength = 128;

    /// <summary>Longest description, in characters.</summary>
    public const int MaxDescriptionLength = 1024;

    /// <summary>Most tags on one media.</summary>
    public const int MaxTags = 16;

    /// <summary>Longest tag, in characters.</summary>
    public const int MaxTagLength = 32;

    /// <summary>Largest <c>UserData.Extend</c>, in UTF-8 bytes.</summary>
    public const int MaxExtendBytes = 512;

    /// <summary>The extension of <paramref name="fileName"/>, without dot and lower case; empty when it has none.</summary>
    public static string ExtensionOf(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var name = fileName.AsSpan();
        var slash = name.LastIndexOfAny('/', '\\');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        var dot = name.LastIndexOf('.');
        return dot < 0 || dot == name.Length - 1 ? string.Empty : name[(dot + 1)..].ToString().ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="extension"/> is a video or audio extension VOD takes through CreateUploadVideo.</summary>
    public static bool IsVideoOrAudio(string extension) => VideoExtensions.Contains(extension) || AudioExtensions.Contains(extension);
}
