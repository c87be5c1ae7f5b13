using Microsoft.Win32.SafeHandles;

namespace Vod.Upload.Sources;

/// <summary>
/// A local file read with positional reads. Its fingerprint (<see cref="FileVersion"/>: size, times, inode) is checked
/// before every read, so a change fails the read with SourceChanged.
/// </summary>
public sealed class LocalFileSource : IUploadSource
{
    private const int PieceSize = 1 << 20;

    private readonly SafeFileHandle _handle;
    private readonly string _path;

    private LocalFileSource(string path, SafeFileHandle handle, SourceIdentity identity, string fingerprint)
    {
        _path = path;
        _handle = handle;
        Identity = identity;
        Fingerprint = fingerprint;
    }

    /// <inheritdoc/>
    public SourceIdentity Identity { get; }

    /// <inheritdoc/>
    public string? Fingerprint { get; }

    /// <summary>Opens the file for shared reading.</summary>
    public static LocalFileSource Open(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new UploadException(UploadErrorCodes.SourceNotFound, $"The file '{path}' does not exist.", UploadErrorKind.Fatal);
        }

        var handle = File.OpenHandle(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        return new LocalFileSource(info.FullName, handle, new SourceIdentity(SourceKind.LocalFile, info.FullName, FileVersion.Of(info), info.Length), FileVersion.FingerprintOf(info));
    }

    /// <inheritdoc/>
    public Task ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken) =>
        ReadInPiecesAsync(offset, destination, static _ => { }, cancellationToken);

    /// <inheritdoc/>
    public async Task ReadInPiecesAsync(long offset, Memory<byte> destination, Action<int> onRead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onRead);
        var info = new FileInfo(_path);
        if (!info.Exists || FileVersion.FingerprintOf(info) != Fingerprint)
        {
            throw new UploadException(UploadErrorCodes.SourceChanged, $"The file '{_path}' changed during the upload.", UploadErrorKind.Fatal);
        }

        while (!destination.IsEmpty)
        {
            // Pieces of at most 1 MiB: each is hashed while still in the cache and can be sent while the next is read.
            var read = await RandomAccess.ReadAsync(_handle, destination[..Math.Min(destination.Length, PieceSize)], offset, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new UploadException(UploadErrorCodes.SourceChanged, $"The file '{_path}' is shorter than when the upload started.", UploadErrorKind.Fatal);
            }

            onRead(read);
            destination = destination[read..];
            offset += read;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _handle.Dispose();
        return ValueTask.CompletedTask;
    }
}
