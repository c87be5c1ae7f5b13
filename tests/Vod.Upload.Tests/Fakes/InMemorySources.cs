using Vod.Upload.Sources;

namespace Vod.Upload.Tests.Fakes;

/// <summary>Local-file sources held in memory: a path, its bytes and a version that changes when they do.</summary>
public sealed class InMemorySources : IUploadSourceResolver
{
    private readonly Dictionary<string, (byte[] Data, int Version)> _files = [];

    private long _bytesRead;

    /// <summary>Bytes read over the test.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Adds (or replaces, with a new version) a file; returns its reference.</summary>
    public SourceReference Add(string path, byte[] data)
    {
        lock (_files)
        {
            _files[path] = (data, _files.TryGetValue(path, out var old) ? old.Version + 1 : 1);
        }

        return new SourceReference(SourceKind.LocalFile, Path: path);
    }

    public Task<IUploadSource> OpenAsync(SourceReference reference, CancellationToken cancellationToken)
    {
        (byte[] Data, int Version) file;
        lock (_files)
        {
            if (!_files.TryGetValue(reference.Path!, out file))
            {
                throw new UploadException(UploadErrorCodes.SourceNotFound, $"The file '{reference.Path}' does not exist.", UploadErrorKind.Fatal);
            }
        }

        var version = $"v{file.Version}";
        if (reference.ETag is not null && reference.ETag != version)
        {
            throw new UploadException(UploadErrorCodes.SourceChanged, $"The file '{reference.Path}' changed.", UploadErrorKind.Fatal);
        }

        return Task.FromResult<IUploadSource>(new Source(this, new SourceIdentity(SourceKind.LocalFile, reference.Path!, version, file.Data.Length), file.Data));
    }

    private void Read(int bytes) => Interlocked.Add(ref _bytesRead, bytes);

    private sealed class Source(InMemorySources owner, SourceIdentity identity, byte[] data) : IUploadSource
    {
        public SourceIdentity Identity => identity;

        public Task ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
        {
            data.AsMemory((int)offset, destination.Length).CopyTo(destination);
            owner.Read(destination.Length);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
