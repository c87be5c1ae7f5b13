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

    /// <summary>Uploading, UploadSucc, Transcoding, Normal, TranscodeFail, Deleted …; never moves backwards.</summary>
    public string Status { get; set; } = "Uploading";

    /// <summary>Whether the VOD API confirmed the status (callbacks are unsigned bodies: only the API is final).</summary>
    public bool Confirmed { get; set; }

    /// <summary>The file URL VOD reported.</summary>
    public string? FileUrl { get; set; }

    /// <summary>Size in bytes.</summary>
    public long? Size { get; set; }

    /// <summary>Title.</summary>
    public string? Title { get; set; }

    /// <summary><c>blob</c> (dropped into Azure) or <c>browser</c> (AppServer), or <c>unknown</c>.</summary>
    public string Source { get; set; } = "unknown";

    /// <summary>The upload (orchestration) id, for blob uploads.</summary>
    public string? UploadId { get; set; }

    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When VOD reported the file uploaded.</summary>
    public DateTimeOffset? UploadedAt { get; set; }

    /// <summary>Last change.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The latest events (JSON array of {type, status, time}), at most 20.</summary>
    public string EventsJson { get; set; } = "[]";
}
