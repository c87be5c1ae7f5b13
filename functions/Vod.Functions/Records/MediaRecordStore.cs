using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Vod.Functions.Records;

/// <summary>
/// Media records in Azure Table Storage. A record is created when this app creates the media (with who or what
/// created it) or when the VOD API confirms a media it was told about; its status, file URL and size only ever come from
/// the VOD API (<see cref="ApplyFactsAsync"/>). Writes are ETag-guarded and retried on conflicts.
/// </summary>
public sealed class MediaRecordStore(TableClient table, TimeProvider time)
{
    private const int MaxHistory = 20;
    private int _created;

    /// <summary>Records a media this app just created (no change when it exists).</summary>
    /// <param name="kind">video, image or attached.</param>
    /// <param name="mediaId">The media id VOD returned.</param>
    /// <param name="title">Its title.</param>
    /// <param name="source"><c>blob</c> or <c>browser</c>.</param>
    /// <param name="uploadId">The upload that created it (blob uploads).</param>
    /// <param name="owner">The caller it belongs to (browser uploads).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <param name="transferMode"><c>push</c> or <c>pull</c> (blob uploads); null for browser uploads.</param>
    public async Task EnsureCreatedAsync(string kind, string mediaId, string? title, string source, string? uploadId, string? owner, CancellationToken cancellationToken, string? transferMode = null)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        try
        {
            await table.AddEntityAsync(new MediaRecord { PartitionKey = kind, RowKey = mediaId, Title = title, Source = source, UploadId = uploadId, Owner = owner, TransferMode = transferMode, CreatedAt = now, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Already recorded: by a retried activity or request (nothing to do), or from a callback that named the
            // media first; then the app's word on who created it is added, unless someone already claimed it.
            await UpdateAsync(kind, mediaId, createIfMissing: false, record =>
            {
                if (record.Source != "unknown" || record.Owner is not null || record.UploadId is not null)
                {
                    return false;
                }

                (record.Title, record.Source, record.UploadId, record.Owner, record.TransferMode) = (title, source, uploadId, owner, transferMode);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records what the VOD API said about a media when asked at <paramref name="askedAt"/>. Creates the record only for
    /// a media VOD knows; an answer older than the recorded one changes nothing, and so does an answer equal to it.
    /// </summary>
    public async Task<Confirmation> ApplyFactsAsync(string kind, string mediaId, MediaFacts facts, DateTimeOffset askedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var statusChanged = false;
        var record = await UpdateAsync(kind, mediaId, createIfMissing: facts.Exists, record =>
        {
            statusChanged = false;
            if (record.ConfirmedAt is { } recorded && recorded > askedAt)
            {
                return false;
            }

            var status = facts.Status ?? record.Status;
            var changed = !record.Confirmed || status != record.Status || (facts.FileUrl is not null && facts.FileUrl != record.FileUrl) || (facts.Size is not null && facts.Size != record.Size);
            if (!changed)
            {
                return false;
            }

            if (status != record.Status)
            {
                statusChanged = true;
                var history = JsonSerializer.Deserialize<List<StatusChange>>(record.HistoryJson) ?? [];
                history.Add(new StatusChange(status, askedAt));
                record.HistoryJson = JsonSerializer.Serialize(history.TakeLast(MaxHistory));
            }

            record.Status = status;
            record.FileUrl = facts.FileUrl ?? record.FileUrl;
            record.Size = facts.Size ?? record.Size;
            record.Confirmed = true;
            record.ConfirmedAt = askedAt;
            if (RecordKinds.IsUploaded(kind, status))
            {
                record.UploadedAt ??= askedAt;
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        return new Confirmation(record, statusChanged);
    }

    /// <summary>
    /// Binds a media nobody owns yet (no record, or one a callback created) to <paramref name="owner"/>, as a browser
    /// upload. A media this app created, or one already claimed, keeps its owner: first claim wins.
    /// </summary>
    /// <returns>Whether the media is now <paramref name="owner"/>'s (claimed now or before).</returns>
    public async Task<bool> ClaimAsync(string kind, string mediaId, string owner, CancellationToken cancellationToken)
    {
        var owned = false;
        await UpdateAsync(kind, mediaId, createIfMissing: true, record =>
        {
            owned = record.Owner == owner;
            if (owned || record.Owner is not null || record.UploadId is not null || record.Source != "unknown")
            {
                return false;
            }

            (record.Owner, record.Source, owned) = (owner, "browser", true);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return owned;
    }

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
            if (!record.Confirmed || !RecordKinds.IsSettled(record.Status))
            {
                pending.Add(record);
            }
        }

        return pending;
    }

    private async Task<MediaRecord?> UpdateAsync(string kind, string mediaId, bool createIfMissing, Func<MediaRecord, bool> change, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<MediaRecord>(kind, mediaId, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!found.HasValue && !createIfMissing)
            {
                return null;
            }

            var record = found.HasValue ? found.Value! : new MediaRecord { PartitionKey = kind, RowKey = mediaId, CreatedAt = time.GetUtcNow() };
            if (!change(record))
            {
                return found.HasValue ? record : null;
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

    private sealed record StatusChange(string Status, DateTimeOffset Time);
}
