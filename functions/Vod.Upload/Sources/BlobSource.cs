using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Vod.Upload.Sources;

/// <summary>
/// An Azure blob read by ranges with its ETag pinned (<c>If-Match</c>): if the blob changes mid-upload, the next read
/// fails with <see cref="UploadErrorCodes.SourceChanged"/> and nothing is completed from mixed versions.
/// </summary>
public sealed class BlobSource : IUploadSource
{
    private readonly BlobClient _blob;
    private readonly ETag _etag;

    private BlobSource(BlobClient blob, ETag etag, SourceIdentity identity)
    {
        _blob = blob;
        _etag = etag;
        Identity = identity;
    }

    /// <inheritdoc/>
    public SourceIdentity Identity { get; }

    /// <summary>Reads the blob's properties; a pinned ETag that no longer matches fails with SourceChanged.</summary>
    public static async Task<BlobSource> OpenAsync(BlobClient blob, string? pinnedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        BlobProperties properties;
        try
        {
            properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new UploadException(pinnedETag is null ? UploadErrorCodes.SourceNotFound : UploadErrorCodes.SourceChanged,
                $"The blob '{blob.BlobContainerName}/{blob.Name}' does not exist.", UploadErrorKind.Fatal, ex);
        }

        if (pinnedETag is not null && properties.ETag != new ETag(pinnedETag))
        {
            throw new UploadException(UploadErrorCodes.SourceChanged,
                $"The blob '{blob.BlobContainerName}/{blob.Name}' changed since the upload started (ETag {pinnedETag} → {properties.ETag}).", UploadErrorKind.Fatal);
        }

        var identity = new SourceIdentity(SourceKind.AzureBlob, $"{blob.BlobContainerName}/{blob.Name}", properties.ETag.ToString(), properties.ContentLength);
        return new BlobSource(blob, properties.ETag, identity);
    }

    /// <inheritdoc/>
    public Task ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken) =>
        ReadInPiecesAsync(offset, destination, static _ => { }, cancellationToken);

    /// <inheritdoc/>
    public async Task ReadInPiecesAsync(long offset, Memory<byte> destination, Action<int> onRead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onRead);
        try
        {
            var options = new BlobDownloadOptions
            {
                Range = new HttpRange(offset, destination.Length),
                Conditions = new BlobRequestConditions { IfMatch = _etag },
            };
            using var download = (await _blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false)).Value;
            await using var stream = download.Content;
            // One ranged GET for the whole part, consumed as it arrives.
            while (!destination.IsEmpty)
            {
                var read = await stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                onRead(read);
                destination = destination[read..];
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            throw new UploadException(UploadErrorCodes.SourceChanged,
                $"The blob '{Identity.Location}' changed or was deleted during the upload.", UploadErrorKind.Fatal, ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new UploadException(UploadErrorCodes.SourceChanged, $"The blob '{Identity.Location}' is shorter than when the upload started.", UploadErrorKind.Fatal, ex);
        }
        catch (RequestFailedException ex) when (ex.Status >= 500 || ex.Status == 0)
        {
            throw new UploadException(UploadErrorCodes.UploadFailed, $"Reading '{Identity.Location}' failed ({ex.Status}); it will be retried.", UploadErrorKind.Retryable, ex);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
