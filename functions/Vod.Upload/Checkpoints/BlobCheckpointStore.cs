using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Vod.Upload.Checkpoints;

/// <summary>
/// Checkpoints in one container: <c>KEY.json</c>, the header, a block blob written conditionally on its ETag; and
/// <c>KEY.parts</c>, the part log, an append blob with one block per part record, replaced when a new generation starts.
/// The log's metadata holds the summary a status poll needs, and its block count says how many parts were appended
/// since: one HEAD, whatever the part count. The orchestration's instance id makes one writer per checkpoint, so no lease
/// is taken.
/// </summary>
public sealed class BlobCheckpointStore(BlobContainerClient container) : ICheckpointStore
{
    private const string HeaderSuffix = ".json";
    private const string PartsSuffix = ".parts";

    // A stop request is a small blob beside the checkpoint: its existence is the signal, one HEAD to read it.
    private const string StopSuffix = ".stop";
    private int _created;

    /// <summary>The container checkpoints live in.</summary>
    public string ContainerName => container.Name;

    /// <inheritdoc/>
    public async Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        if (await HeaderAsync(key, cancellationToken).ConfigureAwait(false) is not { } header)
        {
            return null;
        }

        byte[] log;
        try
        {
            log = (await Parts(key).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            log = [];
        }

        return new StoredCheckpoint(key, CheckpointFormat.Read(key, header.Bytes, log), header.ETag);
    }

    /// <inheritdoc/>
    public async Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, bool replaceParts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var conditions = ifMatch is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        string etag;
        try
        {
            var response = await container.GetBlobClient(key + HeaderSuffix).UploadAsync(
                BinaryData.FromBytes(CheckpointFormat.Header(checkpoint)),
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                cancellationToken).ConfigureAwait(false);
            etag = response.Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new CheckpointConflictException(key);
        }

        // The header won: now the log. Part records of the old generation that still arrive are ignored on reading.
        var metadata = SummaryMetadata(checkpoint, replaceParts ? checkpoint.Parts.Count : null);
        var parts = Parts(key);
        if (replaceParts)
        {
            await parts.CreateAsync(new AppendBlobCreateOptions { Metadata = metadata }, cancellationToken).ConfigureAwait(false);
            if (checkpoint.Parts.Count > 0)
            {
                using var body = new MemoryStream(CheckpointFormat.PartLines(checkpoint.Generation, checkpoint.Parts));
                await parts.AppendBlockAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            try
            {
                var properties = (await parts.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                foreach (var kept in new[] { "baselineparts", "baselinebytes", "baselineblocks" })
                {
                    if (properties.Metadata.TryGetValue(kept, out var value))
                    {
                        metadata[kept] = value;
                    }
                }

                await parts.SetMetadataAsync(metadata, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await parts.CreateAsync(new AppendBlobCreateOptions { Metadata = SummaryMetadata(checkpoint, 0) }, cancellationToken).ConfigureAwait(false);
            }
        }

        return etag;
    }

    /// <inheritdoc/>
    public async Task AppendPartAsync(string key, int generation, CheckpointPart part, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(CheckpointFormat.PartLine(generation, part));
        try
        {
            await Parts(key).AppendBlockAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new UploadException(UploadErrorCodes.CheckpointMissing, $"The checkpoint '{key}' was removed (the upload was cancelled).", UploadErrorKind.Fatal, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<CheckpointSummary?> SummarizeAsync(string key, CancellationToken cancellationToken)
    {
        BlobProperties properties;
        try
        {
            properties = (await Parts(key).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        var m = properties.Metadata;
        long Number(string name) => m.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
        var partCount = (int)Number("partcount");
        var totalBytes = Number("totalbytes");
        var completed = m.TryGetValue("completed", out var done) && done == "true";
        if (completed)
        {
            return new CheckpointSummary(m.TryGetValue("mediaid", out var id) ? id : null, partCount, partCount, totalBytes, totalBytes, Completed: true);
        }

        // Every part appended since the log was written is one block; bytes are counted in whole parts (the last,
        // shorter one is counted whole), capped at the source's size.
        var appended = Math.Max(0, properties.BlobCommittedBlockCount - Number("baselineblocks"));
        var partsDone = (int)Math.Min(partCount, Number("baselineparts") + appended);
        var bytesDone = Math.Min(totalBytes, Number("baselinebytes") + (appended * Number("partsize")));
        return new CheckpointSummary(m.TryGetValue("mediaid", out var mediaId) ? mediaId : null, partsDone, partCount, bytesDone, totalBytes, Completed: false);
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(key + HeaderSuffix).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await Parts(key).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The container is not there either: nothing to delete.
        }
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<StoredCheckpoint> ListAsync(CancellationToken cancellationToken) =>
        CheckpointListing.ReadableAsync(KeysAsync(cancellationToken), LoadAsync, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<DamagedCheckpoint> ListDamagedAsync(CancellationToken cancellationToken) =>
        CheckpointListing.DamagedAsync(KeysAsync(cancellationToken), SalvageAsync, cancellationToken);

    /// <inheritdoc/>
    public Task<DamagedCheckpoint?> SalvageAsync(string key, CancellationToken cancellationToken) =>
        CheckpointListing.SalvageAsync(key, LoadAsync, async (k, ct) => (await HeaderAsync(k, ct).ConfigureAwait(false))?.Bytes, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> IsStopRequestedAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await container.GetBlobClient(key + StopSuffix).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task RequestStopAsync(string key, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await container.GetBlobClient(key + StopSuffix).UploadAsync(BinaryData.FromString("stop"), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task ClearStopAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(key + StopSuffix).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container: no stop request either.
        }
    }

    private AppendBlobClient Parts(string key) => container.GetAppendBlobClient(key + PartsSuffix);

    private async Task<(byte[] Bytes, string ETag)?> HeaderAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var download = await container.GetBlobClient(key + HeaderSuffix).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return (download.Value.Content.ToArray(), download.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async IAsyncEnumerable<string> KeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }

        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (item.Name.EndsWith(HeaderSuffix, StringComparison.Ordinal))
            {
                yield return item.Name[..^HeaderSuffix.Length];
            }
        }
    }

    // What a status poll reads from the log's metadata. A new log starts with the parts it was written with (baseline,
    // in one block); every later block is one appended part.
    private static Dictionary<string, string> SummaryMetadata(UploadCheckpoint checkpoint, int? baselineParts)
    {
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["partcount"] = Number(checkpoint.PartCount),
            ["partsize"] = Number(checkpoint.PartSize),
            ["totalbytes"] = Number(checkpoint.Identity.Size),
            ["completed"] = checkpoint.Completed ? "true" : "false",
        };
        if (baselineParts is { } baseline)
        {
            metadata["baselineparts"] = Number(baseline);
            metadata["baselinebytes"] = Number(checkpoint.BytesDone);
            metadata["baselineblocks"] = baseline > 0 ? "1" : "0";
        }

        if (checkpoint.MediaId is { } mediaId)
        {
            metadata["mediaid"] = mediaId;
        }

        return metadata;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _created, 1);
        }
    }
}
