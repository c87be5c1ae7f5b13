using System.Text.Json;

namespace Vod.Cli;

/// <summary>
/// The files this machine has uploaded, one JSON line each (path, version, media): a second upload of the same file
/// version is recognised and skipped instead of creating another video.
/// </summary>
internal sealed class UploadHistory(string path)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The last upload of <paramref name="file"/> at <paramref name="version"/>, or null.</summary>
    public UploadRecord? Find(string file, string version)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        UploadRecord? found = null;
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<UploadRecord>(line, Json) is { } record && record.Path == file && record.Version == version)
                {
                    found = record;
                }
            }
            catch (JsonException)
            {
                // A line cut short by a crash is not a record.
            }
        }

        return found;
    }

    /// <summary>Records a finished upload.</summary>
    public void Add(UploadRecord record)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.AppendAllText(path, JsonSerializer.Serialize(record, Json) + "\n");
    }
}

/// <summary>One finished upload.</summary>
internal sealed record UploadRecord(string Path, string Version, long Size, string Kind, string MediaId, string? ImageUrl, string? FileUrl, DateTimeOffset UploadedAt);
