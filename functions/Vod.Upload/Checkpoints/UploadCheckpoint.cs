using System.Security.Cryptography;
using System.Text;
using Vod.Upload.Sources;

namespace Vod.Upload.Checkpoints;

/// <summary>
/// Everything needed to resume an upload after a crash — and no secret: credentials are fetched again
/// (RefreshUploadVideo) from the media id. Stored as a small header plus an append-only log of parts
/// (<see cref="CheckpointFormat"/>), so recording a part costs one short append, whatever the part count.
/// </summary>
public sealed class UploadCheckpoint
{
    /// <summary>The stored format's version; a checkpoint of any other version is refused as CheckpointCorrupt.</summary>
    public int FormatVersion { get; set; } = CheckpointFormat.Version;

    /// <summary>
    /// Which part log is current: raised whenever recorded parts are dropped or replaced (a new multipart upload, a
    /// reconciliation), so part records of an earlier generation are ignored.
    /// </summary>
    public int Generation { get; set; } = NewGeneration();

    /// <summary>The source this checkpoint belongs to (its ETag or size/mtime pins the version).</summary>
    public required SourceReference Source { get; set; }

    /// <summary>The identity of the source version being uploaded.</summary>
    public required SourceIdentity Identity { get; set; }

    /// <summary>The source's fingerprint when the upload began (a local file's size, times and inode); null for blobs.</summary>
    public string? SourceFingerprint { get; set; }

    /// <summary>Video or image.</summary>
    public MediaKind Kind { get; set; }

    /// <summary>VideoId or ImageId, once VOD issued one: from then on the engine refreshes, never creates again.</summary>
    public string? MediaId { get; set; }

    /// <summary>Title the media was created with.</summary>
    public string? Title { get; set; }

    /// <summary>OSS endpoint of the upload address.</summary>
    public string? Endpoint { get; set; }

    /// <summary>OSS bucket of the upload address.</summary>
    public string? Bucket { get; set; }

    /// <summary>OSS object key of the upload address.</summary>
    public string? ObjectKey { get; set; }

    /// <summary>Image URL (images only).</summary>
    public string? ImageUrl { get; set; }

    /// <summary>File URL (images only).</summary>
    public string? FileUrl { get; set; }

    /// <summary>The OSS multipart upload id (not the app's upload id, which names an orchestration).</summary>
    public string? MultipartUploadId { get; set; }

    /// <summary>Part size of the plan.</summary>
    public long PartSize { get; set; }

    /// <summary>Number of parts in the plan.</summary>
    public int PartCount { get; set; }

    /// <summary>Parts stored and verified, by number (kept in the part log, not in the header).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public List<CheckpointPart> Parts { get; set; } = [];

    /// <summary>Whether the object is complete and verified.</summary>
    public bool Completed { get; set; }

    /// <summary>CRC-64 of the complete object.</summary>
    public ulong? Crc64 { get; set; }

    /// <summary>ETag of the complete object.</summary>
    public string? ObjectETag { get; set; }

    /// <summary>Created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last written (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    // A checkpoint made again for the same key (after its media was gone, or a cancel and a retry) starts at another
    // generation, so records a stale writer appends to the new log are not taken for its own.
#pragma warning disable CA5394 // Uniqueness, not security.
    private static int NewGeneration() => Random.Shared.Next(1, int.MaxValue / 2);
#pragma warning restore CA5394

    /// <summary>Records a part (replacing an earlier record of its number), keeping the list in part order.</summary>
    public void Record(CheckpointPart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var at = Parts.FindIndex(p => p.Number >= part.Number);
        if (at < 0)
        {
            Parts.Add(part);
        }
        else if (Parts[at].Number == part.Number)
        {
            Parts[at] = part;
        }
        else
        {
            Parts.Insert(at, part);
        }
    }

    /// <summary>Bytes in recorded parts.</summary>
    public long BytesDone => Parts.Sum(p => p.Size);

    /// <summary>How far the upload is: what a status page needs, without the part list.</summary>
    public CheckpointSummary Summarize() => Completed
        ? new CheckpointSummary(MediaId, PartCount, PartCount, Identity.Size, Identity.Size, Completed: true)
        : new CheckpointSummary(MediaId, Parts.Count, PartCount, BytesDone, Identity.Size, Completed: false);

    /// <summary>A copy to change without touching this one (everything but the part list is immutable or a value).</summary>
    public UploadCheckpoint Copy()
    {
        var copy = (UploadCheckpoint)MemberwiseClone();
        copy.Parts = [.. Parts];
        return copy;
    }

    /// <summary>
    /// The checkpoint key of a pinned source (what <see cref="Engine.UploadPlan.Source"/> holds): a readable prefix and a hash of kind, location and version, so the same
    /// file name in two places, or two versions of one blob, never share a checkpoint.
    /// </summary>
    public static string KeyFor(SourceReference pinnedSource)
    {
        ArgumentNullException.ThrowIfNull(pinnedSource);
        if (pinnedSource.ETag is null)
        {
            throw new ArgumentException("Only a source pinned to a version (an ETag) names a checkpoint.", nameof(pinnedSource));
        }

        // The size does not take part in the key; the version already pins it.
        return KeyFor(new SourceIdentity(pinnedSource.Kind, pinnedSource.Location, pinnedSource.ETag, 0));
    }

    /// <summary>The checkpoint key of a source version (see <see cref="KeyFor(SourceReference)"/>).</summary>
    public static string KeyFor(SourceIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{identity.Kind}|{identity.Location}|{identity.Version}")))[..32];
        var name = identity.Location.Split('/', '\\')[^1];
        var readable = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray()).Trim('-', '.');
        if (readable.Length > 60)
        {
            readable = readable[..60];
        }

        return (readable.Length == 0 ? "upload" : readable) + "-" + hash;
    }
}

/// <summary>How far a checkpoint's upload is.</summary>
/// <param name="MediaId">VideoId or ImageId, once created.</param>
/// <param name="PartsDone">Parts stored and verified.</param>
/// <param name="PartCount">Parts in the plan.</param>
/// <param name="BytesDone">Bytes in the stored parts.</param>
/// <param name="TotalBytes">Bytes in the source.</param>
/// <param name="Completed">Whether the object is complete and verified.</param>
public sealed record CheckpointSummary(string? MediaId, int PartsDone, int PartCount, long BytesDone, long TotalBytes, bool Completed);

/// <summary>A stored, verified part.</summary>
/// <param name="Number">Part number.</param>
/// <param name="ETag">The ETag OSS returned, quotes included.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Crc64">CRC-64 of the part's bytes as read from the source (and confirmed by OSS).</param>
public sealed record CheckpointPart(int Number, string ETag, long Size, ulong Crc64);
