namespace Vod.Upload.Sources;

/// <summary>An opened source that can be read by ranges, concurrently.</summary>
public interface IUploadSource : IAsyncDisposable
{
    /// <summary>The version being read.</summary>
    SourceIdentity Identity { get; }

    /// <summary>
    /// What catches a change the version cannot (a local file's inode and status-change time); null when the version
    /// says it all (a blob's ETag).
    /// </summary>
    string? Fingerprint => null;

    /// <summary>
    /// Fills <paramref name="destination"/> with the bytes at <paramref name="offset"/>. Throws
    /// <see cref="UploadException"/> with <see cref="UploadErrorCodes.SourceChanged"/> when the source is no longer the
    /// version <see cref="Identity"/> names.
    /// </summary>
    Task ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken);
}

/// <summary>Opens sources from references.</summary>
public interface IUploadSourceResolver
{
    /// <summary>Opens <paramref name="reference"/>; a pinned ETag that no longer matches fails with SourceChanged.</summary>
    Task<IUploadSource> OpenAsync(SourceReference reference, CancellationToken cancellationToken);
}
