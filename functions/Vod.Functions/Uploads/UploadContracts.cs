using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Sources;

namespace Vod.Functions.Uploads;

/// <summary>The orchestration's input: what to upload and how. Holds no secret.</summary>
/// <param name="UploadId">The upload (orchestration instance) id.</param>
/// <param name="Source">The blob, pinned to its ETag.</param>
/// <param name="Metadata">The media's fields.</param>
/// <param name="Options">How it runs.</param>
/// <param name="CallbackTimeoutSeconds">How long to wait for VOD's event before asking its API.</param>
/// <param name="TraceParent">The W3C traceparent of the upload's root span (set by the starter): every step joins that trace.</param>
public sealed record UploadJob(string UploadId, SourceReference Source, MediaMetadata Metadata, UploadOptions Options, int CallbackTimeoutSeconds, string? TraceParent = null);

/// <summary>A sub-orchestration's input: a range of part batches of one upload.</summary>
public sealed record PartRangeJob(UploadSession Session, UploadOptions Options, int FirstPart, int LastPart, int PartsPerBatch);

/// <summary>Input of the part-batch activity.</summary>
public sealed record PartBatchJob(UploadSession Session, UploadOptions Options, int FirstPart, int LastPart);

/// <summary>Input of CreateOrRefresh.</summary>
public sealed record CreateJob(UploadPlan Plan, MediaMetadata Metadata, UploadOptions Options);

/// <summary>Input of the steps that work on a created media (InitiateOrResume, Complete).</summary>
public sealed record SessionJob(UploadSession Session, UploadOptions Options);

/// <summary>Totals a range of batches reports upwards, and the first failure, which stopped the range.</summary>
public sealed record PartRangeResult(int PartsUploaded, long BytesUploaded, int Retries, int TokenRefreshes, UploadFailure? Failure);

/// <summary>The custom status (well under 16 KB): where the upload is.</summary>
public sealed class UploadStatus
{
    /// <summary>planning, creating, uploading, completing, waiting-for-vod, succeeded, failed.</summary>
    public string Phase { get; set; } = "planning";

    /// <summary>VideoId or ImageId, once created.</summary>
    public string? MediaId { get; set; }

    /// <summary>Video or Image.</summary>
    public string? Kind { get; set; }

    /// <summary>Bytes stored so far.</summary>
    public long BytesUploaded { get; set; }

    /// <summary>Bytes in the source.</summary>
    public long TotalBytes { get; set; }

    /// <summary>0–100.</summary>
    public double Percent => TotalBytes == 0 ? 0 : Math.Round(100.0 * BytesUploaded / TotalBytes, 2);

    /// <summary>Parts stored so far.</summary>
    public int PartsDone { get; set; }

    /// <summary>Parts in the plan.</summary>
    public int PartCount { get; set; }

    /// <summary>Upload credential refreshes so far.</summary>
    public int TokenRefreshes { get; set; }

    /// <summary>Part retries so far.</summary>
    public int Retries { get; set; }

    /// <summary>The stable code of the last failure (of a step that was retried, or of the upload).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>What the last failure said.</summary>
    public string? LastError { get; set; }
}

/// <summary>The orchestration's output.</summary>
public sealed record UploadOutcome(string UploadId, string MediaId, string Kind, long Size, string Crc64, string ObjectKey, string? ImageUrl, string? FileUrl, string VodStatus, DateTimeOffset StartedAt, DateTimeOffset CompletedAt);

/// <summary>Input of the record activity: a blob upload's media, created or refreshed.</summary>
public sealed record RecordMediaJob(string UploadId, string MediaId, string Kind, string? Title);
