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
/// <param name="Mode">Push or Pull (never Auto: the job factory decided).</param>
/// <param name="ModeReason">Why this mode (<see cref="Vod.Upload.Pull.TransferModeChoice.Reason"/>).</param>
/// <param name="Pull">How a pull runs; null for a push.</param>
public sealed record UploadJob(string UploadId, SourceReference Source, MediaMetadata Metadata, UploadOptions Options, int CallbackTimeoutSeconds, string? TraceParent = null,
    Vod.Upload.Pull.TransferMode Mode = Vod.Upload.Pull.TransferMode.Push, string? ModeReason = null, PullPlan? Pull = null);

/// <summary>How a pull upload runs: the URL's lifetime, the poll back-off, and the size the blob had (VOD's must match).</summary>
/// <param name="UrlLifetimeSeconds">Lifetime of the user delegation SAS VOD reads the blob with.</param>
/// <param name="FirstPollSeconds">First wait between GetURLUploadInfos polls (doubling).</param>
/// <param name="MaxPollSeconds">Longest wait between polls.</param>
/// <param name="ExpectedBytes">The blob's size when the upload started.</param>
/// <param name="MaxBytes">Largest pull allowed.</param>
/// <param name="PollsPerExecution">
/// Polls one orchestration execution makes before it continues as new (the history stays small however long VOD
/// queues the job; the create-once submit finds the job again).
/// </param>
/// <param name="PollsBefore">Polls the executions before this one made (shown in the status).</param>
/// <param name="StartedAt">When the first execution started (kept across continue-as-new).</param>
public sealed record PullPlan(int UrlLifetimeSeconds, int FirstPollSeconds, int MaxPollSeconds, long ExpectedBytes, long MaxBytes, int PollsPerExecution = 100, int PollsBefore = 0, DateTimeOffset? StartedAt = null);

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

    /// <summary><c>push</c> or <c>pull</c>.</summary>
    public string TransferMode { get; set; } = "push";

    /// <summary>Why that mode: <c>requested</c>, or what <c>auto</c> found (<c>pull-fits</c>, <c>too-large</c>, <c>not-audio-video</c> …).</summary>
    public string? ModeReason { get; set; }

    /// <summary>A pull's VOD job id, once submitted.</summary>
    public string? PullJobId { get; set; }

    /// <summary>A pull job's last status in VOD (PENDING, PROCESSING, DOWNLOADING, UPLOADING, UPLOAD_SUCCESS, SUCCESS …).</summary>
    public string? PullStatus { get; set; }

    /// <summary>How many times VOD was asked about the pull job.</summary>
    public int PullPolls { get; set; }
}

/// <summary>The orchestration's output.</summary>
public sealed record UploadOutcome(string UploadId, string MediaId, string Kind, long Size, string Crc64, string ObjectKey, string? ImageUrl, string? FileUrl, string VodStatus, DateTimeOffset StartedAt, DateTimeOffset CompletedAt);

/// <summary>Input of the record activity: a blob upload's media, created or refreshed.</summary>
public sealed record RecordMediaJob(string UploadId, string MediaId, string Kind, string? Title, string? TransferMode = null);
