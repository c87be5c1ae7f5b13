using Azure;
using Azure.Data.Tables;

namespace Vod.Functions.Records;

/// <summary>
/// What we know about one video, image or attached media: a row in the media table, partitioned by kind, keyed by the
/// media id. Holds no secret.
/// </summary>
public sealed class MediaRecord : ITableEntity
{
    /// <summary>The kind: <c>video</c>, <c>image</c> or <c>attached</c>.</summary>
    public string PartitionKey { get; set; } = string.Empty;

    /// <summary>VideoId, ImageId or MediaId.</summary>
    public string RowKey { get; set; } = string.Empty;

    /// <inheritdoc/>
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc/>
    public ETag ETag { get; set; }

    /// <summary>Uploading, UploadSucc, Transcoding, Normal, TranscodeFail, Deleted …: what the VOD API last said.</summary>
    public string Status { get; set; } = "Uploading";

    /// <summary>
    /// Whether the status, file URL and size come from the VOD API. Callback bodies are never stored as facts: VOD signs
    /// only url|timestamp, so a seen signature can carry any body.
    /// </summary>
    public bool Confirmed { get; set; }

    /// <summary>When the VOD API was asked for the answer now recorded; an older answer never replaces a newer one.</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>The stored source file's URL, as the VOD API reports it.</summary>
    public string? FileUrl { get; set; }

    /// <summary>The stored source file's size in bytes, as the VOD API reports it.</summary>
    public long? Size { get; set; }

    /// <summary>Title.</summary>
    public string? Title { get; set; }

    /// <summary><c>blob</c> (dropped into Azure) or <c>browser</c> (AppServer), or <c>unknown</c>.</summary>
    public string Source { get; set; } = "unknown";

    /// <summary>The upload (orchestration) id, for blob uploads: set by the upload itself, never from a callback.</summary>
    public string? UploadId { get; set; }

    /// <summary>How a blob upload's bytes reached VOD: <c>push</c> or <c>pull</c>; null for browser uploads and older records.</summary>
    public string? TransferMode { get; set; }

    /// <summary>The caller a browser upload belongs to (the identity the AppServer endpoints authenticated).</summary>
    public string? Owner { get; set; }

    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the VOD API first reported the file uploaded.</summary>
    public DateTimeOffset? UploadedAt { get; set; }

    /// <summary>Last change.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The latest status changes the VOD API reported (JSON array of {status, time}), at most 20.</summary>
    public string HistoryJson { get; set; } = "[]";
}
