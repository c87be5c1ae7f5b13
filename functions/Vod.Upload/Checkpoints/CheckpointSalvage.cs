using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vod.Upload.Checkpoints;

/// <summary>
/// Reads what it can from a checkpoint header that <see cref="CheckpointFormat"/> refuses — any version's, damaged or
/// not — so the upload it started can still be cancelled: no parts left on OSS, no media left in Uploading.
/// </summary>
public static class CheckpointSalvage
{
    /// <summary>What <paramref name="header"/> still says.</summary>
    public static DamagedCheckpoint From(string key, string reason, ReadOnlySpan<byte> header)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(header.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return FromText(key, reason, Encoding.UTF8.GetString(header));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new DamagedCheckpoint(key, reason, null, null, null, null, null, null, null, null, null, null);
        }

        string? Text(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var identity = root.TryGetProperty("identity", out var id) ? id : default;
        MediaKind? kind = Enum.TryParse<MediaKind>(Text(root, "kind"), ignoreCase: true, out var k) ? k : null;
        bool? completed = root.TryGetProperty("completed", out var done) && done.ValueKind is JsonValueKind.True or JsonValueKind.False ? done.GetBoolean() : null;
        DateTimeOffset? updated = DateTimeOffset.TryParse(Text(root, "updatedAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new DamagedCheckpoint(key, reason, Text(identity, "location"), Text(identity, "version"), kind, Text(root, "mediaId"),

            // Format 1 called the OSS multipart id "uploadId".
            Text(root, "multipartUploadId") ?? Text(root, "uploadId"),
            Text(root, "endpoint"), Text(root, "bucket"), Text(root, "objectKey"), completed, updated);
    }

    // Cut before "completed": unknown, and an unknown media is never deleted.
    private static bool? Completed(string text) =>
        Regex.Match(text, "\"completed\"\\s*:\\s*(true|false)", RegexOptions.None, TimeSpan.FromSeconds(1)) is { Success: true } match ? match.Groups[1].Value == "true" : null;

    private static string? Unescape(string jsonString)
    {
        try
        {
            return JsonSerializer.Deserialize<string>("\"" + jsonString + "\"");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A header cut short (a disk that filled mid-write on an older version) is not JSON, but its first fields still
    // read: each "name":"value" pair that survived is taken as it stands.
    private static DamagedCheckpoint FromText(string key, string reason, string text)
    {
        string? Field(string name) => Regex.Match(text, "\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)) is { Success: true } match
            ? Unescape(match.Groups[1].Value)
            : null;
        // "kind" also names the source's kind (LocalFile, AzureBlob): the media's is the one that is Video or Image.
        var mediaKind = Regex.Match(text, "\"kind\"\\s*:\\s*\"(Video|Image)\"", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        MediaKind? kind = mediaKind.Success && Enum.TryParse<MediaKind>(mediaKind.Groups[1].Value, ignoreCase: true, out var k) ? k : null;
        return new DamagedCheckpoint(key, reason, Field("location"), Field("version"), kind, Field("mediaId"), Field("multipartUploadId") ?? Field("uploadId"),
            Field("endpoint"), Field("bucket"), Field("objectKey"), Completed(text), null);
    }
}
