using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Vod.Alibaba.Callbacks;

namespace Vod.Functions.Records;

/// <summary>
/// Media records in Azure Table Storage. Applying an event is idempotent (the same event twice changes nothing) and
/// monotonic (an older status never replaces a newer one); writes are ETag-guarded and retried on conflicts.
/// </summary>
public sealed class MediaRecordStore(TableClient table, TimeProvider time)
{
    private const int MaxEvents = 20;
    private int _created;

    private static readonly Dictionary<string, int> Rank = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Uploading"] = 0, ["UploadSucc"] = 1, ["Checking"] = 2, ["Transcoding"] = 2, ["Normal"] = 3, ["TranscodeFail"] = 3,
        ["ProduceFail"] = 3, ["Blocked"] = 4, ["Deleted"] = 5,
    };

    /// <summary>The kind (partition) an event type belongs to.</summary>
    public static string KindOf(string eventType) => eventType switch
    {
        "ImageUploadComplete" => "image",
        "AttachedMediaUploadComplete" => "attached",
        _ => "video",
    };

    /// <summary>The status an event implies, or null when it implies none.</summary>
    public static string? StatusOf(VodEventMessage message)
    {
        var success = string.Equals(message.Status, "success", StringComparison.OrdinalIgnoreCase);
        return message.EventType switch
        {
            "FileUploadComplete" or "UploadByURLComplete" or "URLUploadComplete" when success => "UploadSucc",
            "VideoAnalysisComplete" or "StreamTranscodeComplete" when success => "Transcoding",
            "TranscodeComplete" => success ? "Normal" : "TranscodeFail",
            "ImageUploadComplete" or "AttachedMediaUploadComplete" when success => "Normal",
            _ => null,
        };
    }

    /// <summary>Records a media just created (no change when it exists).</summary>
    public async Task EnsureCreatedAsync(string kind, string mediaId, string? title, string source, string? uploadId, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        try
        {
            await table.AddEntityAsync(new MediaRecord { PartitionKey = kind, RowKey = mediaId, Title = title, Source = source, UploadId = uploadId, CreatedAt = now, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Already recorded (a retried activity, or the callback came first).
        }
    }

    /// <summary>Applies an event; returns the record, or null when the event names no media.</summary>
    public Task<MediaRecord?> ApplyAsync(VodEventMessage message, string? uploadId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.MediaId))
        {
            return Task.FromResult<MediaRecord?>(null);
        }

        var entry = new RecordedEvent(message.EventType, message.Status, message.EventTime ?? time.GetUtcNow());
        return UpdateAsync(KindOf(message.EventType), message.MediaId, record =>
        {
            var events = JsonSerializer.Deserialize<List<RecordedEvent>>(record.EventsJson) ?? [];
            if (events.Contains(entry))
            {
                return false;
            }

            events.Add(entry);
            record.EventsJson = JsonSerializer.Serialize(events.OrderBy(e => e.Time).TakeLast(MaxEvents));
            Advance(record, StatusOf(message));
            // Only upload events describe the source file; transcode events carry their stream's URL and size.
            if (message.EventType is "FileUploadComplete" or "ImageUploadComplete" or "AttachedMediaUploadComplete" or "UploadByURLComplete" or "URLUploadComplete")
            {
                record.FileUrl = message.FileUrl ?? record.FileUrl;
                record.Size = message.Size ?? record.Size;
            }
            record.UploadId ??= uploadId;
            if (record.Source == "unknown" && uploadId is not null)
            {
                record.Source = "blob";
            }

            if (StatusOf(message) is "UploadSucc" || message.EventType is "ImageUploadComplete" or "AttachedMediaUploadComplete")
            {
                record.UploadedAt ??= entry.Time;
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Records what the VOD API says the media's status is: the final word.</summary>
    public Task<MediaRecord?> ConfirmAsync(string kind, string mediaId, string vodStatus, CancellationToken cancellationToken) =>
        UpdateAsync(kind, mediaId, record =>
        {
            var advanced = Advance(record, vodStatus);
            var changed = advanced || !record.Confirmed;
            record.Confirmed = true;
            return changed;
        }, cancellationToken);

    /// <summary>One record, or null.</summary>
    public async Task<MediaRecord?> GetAsync(string kind, string mediaId, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<MediaRecord>(kind, mediaId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>A page of records, filtered by kind and status.</summary>
    public async Task<(IReadOnlyList<MediaRecord> Items, string? ContinuationToken)> QueryAsync(string? kind, string? status, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var filters = new List<string>();
        if (kind is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {kind}"));
        }

        if (status is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Status eq {status}"));
        }

        var query = table.QueryAsync<MediaRecord>(filters.Count == 0 ? null : string.Join(" and ", filters), pageSize, cancellationToken: cancellationToken);
        await foreach (var page in query.AsPages(continuationToken, pageSize).ConfigureAwait(false))
        {
            return (page.Values, page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>Records still waiting for VOD (unconfirmed, or not yet in a final status) last changed before <paramref name="cutoff"/>.</summary>
    public async Task<IReadOnlyList<MediaRecord>> PendingAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var pending = new List<MediaRecord>();
        await foreach (var record in table.QueryAsync<MediaRecord>(r => r.UpdatedAt < cutoff, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!record.Confirmed || Rank.GetValueOrDefault(record.Status) < Rank["Normal"])
            {
                pending.Add(record);
            }
        }

        return pending;
    }

    private static bool Advance(MediaRecord record, string? status)
    {
        if (status is null || Rank.GetValueOrDefault(status, -1) <= Rank.GetValueOrDefault(record.Status, -1))
        {
            return false;
        }

        record.Status = status;
        return true;
    }

    private async Task<MediaRecord?> UpdateAsync(string kind, string mediaId, Func<MediaRecord, bool> change, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<MediaRecord>(kind, mediaId, cancellationToken: cancellationToken).ConfigureAwait(false);
            var record = found.HasValue ? found.Value! : new MediaRecord { PartitionKey = kind, RowKey = mediaId, CreatedAt = time.GetUtcNow() };
            if (!change(record) && found.HasValue)
            {
                return record;
            }

            record.UpdatedAt = time.GetUtcNow();
            try
            {
                var response = found.HasValue
                    ? await table.UpdateEntityAsync(record, record.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)
                    : await table.AddEntityAsync(record, cancellationToken).ConfigureAwait(false);
                record.ETag = response.Headers.ETag ?? record.ETag;
                return record;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Someone else wrote first: read again and re-apply.
            }
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _created, 1);
        }
    }

    private sealed record RecordedEvent(string Type, string? Status, DateTimeOffset Time);
}
