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

    /// <summary>Every pull record in the container with when it was last written (for the daily purge).</summary>
    public async IAsyncEnumerable<(string Key, DateTimeOffset LastModified)> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = container.GetBlobsAsync(new GetBlobsOptions { Prefix = "pull/" }, cancellationToken);
        await using var items = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == "ContainerNotFound")
            {
                yield break;
            }

            var name = items.Current.Name;
            if (name.EndsWith(".pull", StringComparison.Ordinal))
            {
                yield return (name["pull/".Length..^".pull".Length], items.Current.Properties.LastModified ?? DateTimeOffset.MinValue);
            }
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        Blob(key).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    private BlobClient Blob(string key) => container.GetBlobClient("pull/" + key + ".pull");
}
