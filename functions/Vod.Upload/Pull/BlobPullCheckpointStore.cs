using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Vod.Upload.Checkpoints;

namespace Vod.Upload.Pull;

/// <summary>
/// Pull checkpoints as <c>pull/KEY.pull</c> block blobs (JSON), written on their ETag (the Functions app's store). The
/// name does not end in <c>.json</c>, so the push checkpoints' store, listing the same container, never takes one for
/// a damaged push checkpoint of its own.
/// </summary>
public sealed class BlobPullCheckpointStore(BlobContainerClient container) : IPullCheckpointStore
{
    /// <inheritdoc/>
    public async Task<StoredPullCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var download = await Blob(key).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new StoredPullCheckpoint(key, PullCheckpointJson.Read(key, download.Value.Content.ToArray()), download.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<string> SaveAsync(string key, PullCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var conditions = ifMatch is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        var bytes = BinaryData.FromBytes(PullCheckpointJson.Write(checkpoint));
        var upload = new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
        try
        {
            try
            {
                return (await Blob(key).UploadAsync(bytes, upload, cancellationToken).ConfigureAwait(false)).Value.ETag.ToString();
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == "ContainerNotFound" && ifMatch is null)
            {
                // The first checkpoint of a new app or test: the container is made on first use.
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                return (await Blob(key).UploadAsync(bytes, upload, cancellationToken).ConfigureAwait(false)).Value.ETag.ToString();
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 || (ex.Status == 404 && ifMatch is not null))
        {
            throw new CheckpointConflictException(key);
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        Blob(key).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    private BlobClient Blob(string key) => container.GetBlobClient("pull/" + key + ".pull");
}
