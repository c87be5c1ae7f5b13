using System.Text.Json;

namespace Vod.Cli;

/// <summary>
/// The files this machine has uploaded, one JSON line each (path, version, the VOD it went to, media): a second upload
/// of the same file version to the same VOD is recognised and skipped instead of creating another video. Another VOD
/// (the emulator, another region or endpoint) has its own media: the file is uploaded there as if new.
/// </summary>
/// <param name="path">The history file.</param>
/// <param name="vod">The VOD endpoint this run talks to; only its records count.</param>
internal sealed class UploadHistory(string path, Uri vod)
{
    // Records written before the endpoint was kept have none: they match no VOD, since which one they went to is unknown.
    private readonly string _vod = vod.GetLeftPart(UriPartial.Authority);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The last upload of <paramref name="file"/> at <paramref name="version"/> to this VOD, or null.</summary>
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
                if (JsonSerializer.Deserialize<UploadRecord>(line, Json) is { } record && record.Path == file && record.Version == version && record.Vod == _vod)
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

    /// <summary>Records a finished upload to this VOD.</summary>
    public void Add(UploadRecord record)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.AppendAllText(path, JsonSerializer.Serialize(record with { Vod = _vod }, Json) + "\n");
    }
}

/// <summary>One finished upload; <see cref="Vod"/> is the endpoint it went to (set by <see cref="UploadHistory.Add"/>).</summary>
internal sealed record UploadRecord(string Path, string Version, long Size, string Kind, string MediaId, string? ImageUrl, string? FileUrl, DateTimeOffset UploadedAt)
{
    public string? Vod { get; init; }
}
