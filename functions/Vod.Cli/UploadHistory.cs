using System.Text.Json;
using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Cli;

/// <summary>
/// The files this machine has uploaded, one JSON line each (path, version, the VOD it went to, media): a second upload
/// of the same file version to the same VOD is recognised and skipped instead of creating another video. Another VOD
/// (the emulator, another region or endpoint) has its own media: the file is uploaded there as if new.
/// </summary>
/// <param name="path">The history file.</param>
/// <param name="vod">The VOD this run talks to; only its records count.</param>
internal sealed class UploadHistory(string path, VodClient vod)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _vod = vod.Endpoint.GetLeftPart(UriPartial.Authority);
    private readonly Lock _append = new(); // a folder's files finish on several threads

    /// <summary>
    /// The last upload of <paramref name="file"/> at <paramref name="version"/> to this VOD, or null. A record written
    /// before the history kept endpoints counts only when this VOD still has its media (asked once, then recorded with
    /// this endpoint): so an upgrade neither uploads everything again nor skips a file on a VOD it never reached.
    /// </summary>
    public async Task<UploadRecord?> FindAsync(string file, string version, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        UploadRecord? found = null;
        UploadRecord? unplaced = null;
        foreach (var line in File.ReadLines(path))
        {
            try
            {
                if (JsonSerializer.Deserialize<UploadRecord>(line, Json) is { } record && record.Path == file && record.Version == version)
                {
                    if (record.Vod == _vod)
                    {
                        found = record;
                    }
                    else if (record.Vod is null)
                    {
                        unplaced = record;
                    }
                }
            }
            catch (JsonException)
            {
                // A line cut short by a crash is not a record.
            }
        }

        if (found is null && unplaced is not null && await HasMediaAsync(unplaced, cancellationToken).ConfigureAwait(false))
        {
            Add(unplaced);
            found = unplaced with { Vod = _vod };
        }

        return found;
    }

    private async Task<bool> HasMediaAsync(UploadRecord record, CancellationToken cancellationToken)
    {
        try
        {
            if (record.Kind == nameof(Upload.MediaKind.Image))
            {
                await vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = record.MediaId }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = record.MediaId }, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (AlibabaCloudException)
        {
            // Not there (another VOD's media), or VOD cannot say now: the file is uploaded, as for a VOD never reached.
            return false;
        }
    }

    /// <summary>Records a finished upload to this VOD.</summary>
    public void Add(UploadRecord record)
    {
        lock (_append)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.AppendAllText(path, JsonSerializer.Serialize(record with { Vod = _vod }, Json) + "\n");
        }
    }
}

/// <summary>One finished upload; <see cref="Vod"/> is the endpoint it went to (set by <see cref="UploadHistory.Add"/>).</summary>
internal sealed record UploadRecord(string Path, string Version, long Size, string Kind, string MediaId, string? ImageUrl, string? FileUrl, DateTimeOffset UploadedAt)
{
    public string? Vod { get; init; }
}
