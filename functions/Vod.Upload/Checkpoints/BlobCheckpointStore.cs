using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Vod.Upload.Checkpoints;

/// <summary>Checkpoints as JSON blobs in one container; every write is conditional on the blob's ETag.</summary>
public sealed class BlobCheckpointStore(BlobContainerClient container) : ICheckpointStore
{
    private const string Suffix = ".json";

    // A stop request is an empty-ish blob beside the checkpoint: its existence is the signal, one HEAD to read it.
    private const string StopSuffix = ".stop";
    private int _created;

    /// <summary>The container checkpoints live in.</summary>
    public string ContainerName => container.Name;

    /// <inheritdoc/>
    public async Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var download = await container.GetBlobClient(key + Suffix).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new StoredCheckpoint(key, CheckpointJson.Deserialize(download.Value.Content.ToMemory().Span), download.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var conditions = ifMatch is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        try
        {
            var response = await container.GetBlobClient(key + Suffix).UploadAsync(
                BinaryData.FromBytes(CheckpointJson.Serialize(checkpoint)),
                new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" }, Metadata = SummaryMetadata(checkpoint.Summarize()) },
                cancellationToken).ConfigureAwait(false);
            return response.Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new CheckpointConflictException(key);
        }
    }

    /// <summary>Reads the summary the last write stored in the blob's metadata: one HEAD, whatever the checkpoint's size.</summary>
    public async Task<CheckpointSummary?> SummarizeAsync(string key, CancellationToken cancellationToken)
    {
        IDictionary<string, string> metadata;
        try
        {
            metadata = (await container.GetBlobClient(key + Suffix).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Metadata;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        return SummaryFrom(metadata) ?? (await LoadAsync(key, cancellationToken).ConfigureAwait(false))?.Checkpoint.Summarize();
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(key + Suffix).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The container is not there either: nothing to delete.
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredCheckpoint> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield break;
        }

        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!item.Name.EndsWith(Suffix, StringComparison.Ordinal))
            {
                continue;
            }

            StoredCheckpoint? stored;
            try
            {
                stored = await LoadAsync(item.Name[..^Suffix.Length], cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                continue;
            }

            if (stored is not null)
            {
                yield return stored;
            }
        }
    }

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

    private static Dictionary<string, string> SummaryMetadata(CheckpointSummary summary)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["partsdone"] = Number(summary.PartsDone),
            ["partcount"] = Number(summary.PartCount),
            ["bytesdone"] = Number(summary.BytesDone),
            ["totalbytes"] = Number(summary.TotalBytes),
            ["completed"] = summary.Completed ? "true" : "false",
        };
        if (summary.MediaId is { } mediaId)
        {
            metadata["mediaid"] = mediaId;
        }

        return metadata;

        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
    }

    // Null for a checkpoint written before summaries were kept in its metadata.
    private static CheckpointSummary? SummaryFrom(IDictionary<string, string> metadata)
    {
        long? Number(string name) => metadata.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        if (Number("partsdone") is not { } partsDone || Number("partcount") is not { } partCount || Number("bytesdone") is not { } bytesDone
            || Number("totalbytes") is not { } totalBytes || !metadata.TryGetValue("completed", out var completed))
        {
            return null;
        }

        return new CheckpointSummary(metadata.TryGetValue("mediaid", out var mediaId) ? mediaId : null, (int)partsDone, (int)partCount, bytesDone, totalBytes, completed == "true");
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
