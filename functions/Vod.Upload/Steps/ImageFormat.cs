namespace Vod.Upload.Steps;

/// <summary>
/// What an image's first bytes say it is, to catch an extension that lies (<c>--image-ext jpg</c> on a PNG): VOD would
/// store and serve the bytes under the wrong type.
/// </summary>
internal static class ImageFormat
{
    /// <summary>Bytes enough to recognise any of the formats VOD takes.</summary>
    public const int SignatureLength = 8;

    /// <summary><c>png</c>, <c>jpg</c> or <c>gif</c> when the bytes begin with that format's signature; null otherwise.</summary>
    public static string? Detect(ReadOnlySpan<byte> head) => head switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => "png",
        [0xFF, 0xD8, 0xFF, ..] => "jpg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "gif",
        _ => null,
    };

    /// <summary>Whether an extension names <paramref name="format"/> (jpeg and jpg are one format).</summary>
    public static bool Names(string extension, string format)
    {
        var lower = extension.ToLowerInvariant();
        return string.Equals(lower == "jpeg" ? "jpg" : lower, format, StringComparison.Ordinal);
    }
}
