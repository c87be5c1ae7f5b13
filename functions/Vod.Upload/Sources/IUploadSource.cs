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

    /// <summary>
    /// <see cref="ReadAsync"/>, calling <paramref name="onRead"/> with the count of each piece as it lands, in order
    /// (the piece is at <paramref name="destination"/>[sum of earlier counts..]), so the part can be hashed and sent
    /// while the rest is read. Sources that read in one piece call it once.
    /// </summary>
    async Task ReadInPiecesAsync(long offset, Memory<byte> destination, Action<int> onRead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onRead);
        await ReadAsync(offset, destination, cancellationToken).ConfigureAwait(false);
        onRead(destination.Length);
    }
}

/// <summary>Opens sources from references.</summary>
public interface IUploadSourceResolver
{
    /// <summary>Opens <paramref name="reference"/>; a pinned ETag that no longer matches fails with SourceChanged.</summary>
    Task<IUploadSource> OpenAsync(SourceReference reference, CancellationToken cancellationToken);
}
