using Azure.Storage.Blobs;

namespace Vod.Upload.Sources;

/// <summary>Opens local files, and blobs through a <see cref="BlobServiceClient"/> when one is given.</summary>
public sealed class UploadSourceResolver(BlobServiceClient? blobs = null) : IUploadSourceResolver
{
    /// <inheritdoc/>
    public async Task<IUploadSource> OpenAsync(SourceReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        switch (reference.Kind)
        {
            case SourceKind.LocalFile:
                var source = LocalFileSource.Open(reference.Path ?? throw new ArgumentException("A file reference needs a path.", nameof(reference)));
                if (reference.ETag is not null && reference.ETag != source.Identity.Version)
                {
                    await source.DisposeAsync().ConfigureAwait(false);
                    throw new UploadException(UploadErrorCodes.SourceChanged, $"The file '{reference.Path}' changed since the upload started.", UploadErrorKind.Fatal);
                }

                return source;
            case SourceKind.AzureBlob:
                if (blobs is null)
                {
                    throw new InvalidOperationException("This engine was built without Blob Storage access; it cannot read blobs.");
                }

                var blob = blobs.GetBlobContainerClient(reference.Container).GetBlobClient(reference.BlobName);
                return await BlobSource.OpenAsync(blob, reference.ETag, cancellationToken).ConfigureAwait(false);
            default:
                throw new ArgumentOutOfRangeException(nameof(reference), reference.Kind, "Unknown source kind.");
        }
    }
}
