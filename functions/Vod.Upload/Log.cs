using Microsoft.Extensions.Logging;

namespace Vod.Upload;

/// <summary>The engine's log catalogue: one method per event, stable event ids, no secret in any argument.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Upload of {Source} started as {Kind} {MediaId}: {TotalBytes} bytes in {PartCount} parts (resumed: {Resumed})")]
    public static partial void UploadStarted(ILogger logger, string source, MediaKind kind, string mediaId, long totalBytes, int partCount, bool resumed);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Media {MediaId} created for {Source}")]
    public static partial void MediaCreated(ILogger logger, string mediaId, string source);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Part {PartNumber} of {MediaId} failed with {ErrorCode}; attempt {Attempt} follows")]
    public static partial void PartRetried(ILogger logger, int partNumber, string mediaId, string errorCode, int attempt);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Upload credentials of {MediaId} refreshed (after expiry: {AfterExpiry})")]
    public static partial void CredentialsRefreshed(ILogger logger, string mediaId, bool afterExpiry);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Upload of {MediaId} completed: {TotalBytes} bytes, CRC-64 {Crc64} verified")]
    public static partial void UploadCompleted(ILogger logger, string mediaId, long totalBytes, ulong crc64);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Upload of {Source} failed: {ErrorCode} {Reason}")]
    public static partial void UploadFailed(ILogger logger, string source, string errorCode, string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Resumed {MediaId} multipart upload {MultipartUploadId}: kept {Kept} parts, dropped {Dropped}, adopted {Adopted} found on the server")]
    public static partial void Reconciled(ILogger logger, string mediaId, string multipartUploadId, int kept, int dropped, int adopted);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Checkpoint {CheckpointKey} discarded: {Reason}")]
    public static partial void CheckpointDiscarded(ILogger logger, string checkpointKey, string reason);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Multipart upload {MultipartUploadId} started for {MediaId}")]
    public static partial void MultipartInitiated(ILogger logger, string multipartUploadId, string mediaId);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Upload of {MediaId} cancelled; multipart upload aborted: {Aborted}; media deleted: {MediaDeleted}")]
    public static partial void UploadCancelled(ILogger logger, string mediaId, bool aborted, bool mediaDeleted);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "{Kind} {MediaId} that no checkpoint records could not be deleted ({ErrorCode}); delete it in the VOD console")]
    public static partial void MediaNotDeleted(ILogger logger, MediaKind kind, string mediaId, string errorCode);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Object of {MediaId} found complete on OSS ({TotalBytes} bytes, CRC-64 {Crc64}); nothing is sent again")]
    public static partial void FoundComplete(ILogger logger, string mediaId, long totalBytes, ulong crc64);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "Part batch of {MediaId} stopped: the upload was asked to stop")]
    public static partial void BatchStopped(ILogger logger, string mediaId);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Warning, Message = "Step {Step} of {Source} failed with {ErrorCode} ({Kind}); the workflow goes on with {Next}")]
    public static partial void StepFailed(ILogger logger, string step, string source, string errorCode, UploadErrorKind kind, string next);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug, Message = "Part {PartNumber} of {MediaId} stored ({Bytes} bytes)")]
    public static partial void PartStored(ILogger logger, int partNumber, string mediaId, long bytes);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Pull of {Source} submitted to VOD as job {JobId}")]
    public static partial void PullSubmitted(ILogger logger, string source, string jobId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Pull of {Source} had been submitted by an earlier run (job {JobId}); nothing is submitted again")]
    public static partial void PullJobRecovered(ILogger logger, string source, string jobId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Pull job {JobId} is {VodStatus} (media {MediaId}, {Bytes} bytes reported)")]
    public static partial void PullStatusChanged(ILogger logger, string jobId, string vodStatus, string? mediaId, long? bytes);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Pull job {JobId} completed: media {MediaId}, {Bytes} bytes")]
    public static partial void PullCompleted(ILogger logger, string jobId, string mediaId, long? bytes);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Pull job {JobId} failed: {ErrorCode} {Reason}")]
    public static partial void PullFailed(ILogger logger, string jobId, string errorCode, string reason);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Pull job {JobId} cancelled; media {MediaId} deleted: {MediaDeleted}; the job may still run in VOD: {JobMayStillRun}")]
    public static partial void PullCancelled(ILogger logger, string jobId, string? mediaId, bool mediaDeleted, bool jobMayStillRun);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Information, Message = "Pull URL of {Source} expired before it was submitted; a new one is signed")]
    public static partial void PullUrlRenewed(ILogger logger, string source);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Pull of {Source} is being submitted by another run (claimed at {ClaimedAt:o}); waiting for its job until the claim lapses at {Lapses:o}")]
    public static partial void PullClaimAwaited(ILogger logger, string source, DateTimeOffset claimedAt, DateTimeOffset lapses);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Error, Message = "Pull of {Source} was submitted as job {JobId}, but its record could not be written ({ErrorCode}): VOD makes its media without a watcher; delete it once VOD names it")]
    public static partial void PullJobUnrecorded(ILogger logger, string source, string jobId, string errorCode);
}
