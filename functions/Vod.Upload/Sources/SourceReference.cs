namespace Vod.Upload.Sources;

/// <summary>Where a source lives.</summary>
public enum SourceKind
{
    /// <summary>A file on this machine.</summary>
    LocalFile,

    /// <summary>A blob in Azure Blob Storage.</summary>
    AzureBlob,
}

/// <summary>
/// A serializable pointer to a source: small enough for orchestration payloads. A blob reference may pin an ETag:
/// reads then fail with <see cref="UploadErrorCodes.SourceChanged"/> if the blob changes.
/// </summary>
public sealed record SourceReference(SourceKind Kind, string? Path = null, string? Container = null, string? BlobName = null, string? ETag = null)
{
    /// <summary>A local file.</summary>
    public static SourceReference FromFile(string path) => new(SourceKind.LocalFile, Path: System.IO.Path.GetFullPath(path));

    /// <summary>A blob, optionally pinned to an ETag.</summary>
    public static SourceReference FromBlob(string container, string blobName, string? etag = null) =>
        new(SourceKind.AzureBlob, Container: container, BlobName: blobName, ETag: etag);

    /// <summary>The file name (last path segment), which gives the extension and the default title.</summary>
    public string FileName => Kind == SourceKind.LocalFile
        ? System.IO.Path.GetFileName(Path ?? string.Empty)
        : (BlobName ?? string.Empty).Split('/')[^1];

    /// <summary>A readable location: the path, or <c>container/blob</c>.</summary>
    public string Location => Kind == SourceKind.LocalFile ? Path ?? string.Empty : $"{Container}/{BlobName}";
}

/// <summary>What identifies one version of a source: where it is, which version, how big.</summary>
/// <param name="Kind">File or blob.</param>
/// <param name="Location">Path, or <c>container/blob</c>.</param>
/// <param name="Version">Blob ETag, or file size and modification time.</param>
/// <param name="Size">Bytes.</param>
public sealed record SourceIdentity(SourceKind Kind, string Location, string Version, long Size);
