using Vod.Alibaba.Errors;

namespace Vod.Upload;

/// <summary>What a caller can do about a failed upload.</summary>
public enum UploadErrorKind
{
    /// <summary>Retrying the same step cannot help.</summary>
    Fatal,

    /// <summary>Transient: retry the step (it resumes from the checkpoint).</summary>
    Retryable,

    /// <summary>Credentials expired and could not be refreshed in place.</summary>
    CredentialExpired,

    /// <summary>The OSS multipart upload is gone: initiate again.</summary>
    UploadGone,

    /// <summary>The VOD media no longer exists: start over with a new media.</summary>
    MediaGone,

    /// <summary>The upload was stopped (suspended) while the step ran: run the step again once it resumes.</summary>
    Stopped,
}

/// <summary>Stable error codes of the upload engine (shown by the CLI and the API).</summary>
public static class UploadErrorCodes
{
    /// <summary>The source changed (or vanished) during the upload.</summary>
    public const string SourceChanged = "SourceChanged";

    /// <summary>The source was not found.</summary>
    public const string SourceNotFound = "SourceNotFound";

    /// <summary>The source is empty.</summary>
    public const string EmptySource = "EmptySource";

    /// <summary>The source is larger than VOD accepts.</summary>
    public const string SourceTooLarge = "SourceTooLarge";

    /// <summary>The file type is not one VOD accepts.</summary>
    public const string UnsupportedMedia = "UnsupportedMedia";

    /// <summary>What OSS stored does not match what was read (CRC-64).</summary>
    public const string IntegrityError = "IntegrityError";

    /// <summary>A part or step failed after its retries.</summary>
    public const string UploadFailed = "UploadFailed";

    /// <summary>The checkpoint is missing or does not belong to this upload.</summary>
    public const string CheckpointMissing = "CheckpointMissing";

    /// <summary>The checkpoint kept changing under this writer (many parallel writers); retrying the step resumes.</summary>
    public const string CheckpointContention = "CheckpointContention";

    /// <summary>Azure Storage (the source blob or the checkpoint) or the network failed after the client's own retries.</summary>
    public const string StorageUnavailable = "StorageUnavailable";

    /// <summary>An option or metadata field is invalid.</summary>
    public const string InvalidRequest = "InvalidRequest";

    /// <summary>An upload credential expired and could not be renewed in place (an image's).</summary>
    public const string CredentialExpired = "CredentialExpired";

    /// <summary>A checkpoint cannot be used (damaged, or its plan is one this engine cannot run); cancel the upload.</summary>
    public const string CheckpointCorrupt = "CheckpointCorrupt";

    /// <summary>Another process is running the same upload (its checkpoint is locked).</summary>
    public const string UploadInProgress = "UploadInProgress";

    /// <summary>The upload was stopped while a step ran; the step runs again after the upload resumes.</summary>
    public const string UploadStopped = "UploadStopped";

    /// <summary>VOD's pull job failed (UPLOAD_FAIL, or a download failure that is neither an expiry nor a refusal); the message has VOD's.</summary>
    public const string PullUploadFailed = "PullUploadFailed";

    /// <summary>The pull URL expired before VOD fetched it (the job waited in VOD's queue longer than the URL's lifetime).</summary>
    public const string PullUrlExpired = "PullUrlExpired";

    /// <summary>The source refused VOD's download (403: the URL's signature, scope or network rules).</summary>
    public const string PullAccessDenied = "PullAccessDenied";

    /// <summary>The source is larger than a pull may be (the configured limit, or VOD's own).</summary>
    public const string PullTooLarge = "PullTooLarge";

    /// <summary>The in-process pull stopped waiting for VOD; the job stays recorded and a later run polls it again.</summary>
    public const string PullTimedOut = "PullTimedOut";

    /// <summary>VOD does not know the recorded pull job (GetURLUploadInfos keeps a year of jobs).</summary>
    public const string PullJobNotFound = "PullJobNotFound";

    /// <summary>A pull was asked for something VOD cannot pull (an image, or a region without UploadMediaByURL).</summary>
    public const string PullNotSupported = "PullNotSupported";

    /// <summary>A step failed in a way its code did not foresee (a defect); the message says what was thrown.</summary>
    public const string InternalError = "InternalError";
}

/// <summary>An upload failed. <see cref="Code"/> is stable; the message never contains a secret.</summary>
public sealed class UploadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UploadException(string code, string message, UploadErrorKind kind, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Kind = kind;
    }

    /// <summary>The stable error code: one of <see cref="UploadErrorCodes"/>, or the service's code.</summary>
    public string Code { get; }

    /// <summary>What to do about it.</summary>
    public UploadErrorKind Kind { get; }

    /// <summary>The failure as data, to cross a process or activity boundary.</summary>
    public UploadFailure ToFailure() => new(Code, Kind, Message);

    /// <summary>Wraps a service failure, keeping its code and classification.</summary>
    public static UploadException From(AlibabaCloudException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var kind = error.Kind switch
        {
            AlibabaErrorKind.Retryable => UploadErrorKind.Retryable,
            AlibabaErrorKind.CredentialExpired => UploadErrorKind.CredentialExpired,
            AlibabaErrorKind.UploadGone => UploadErrorKind.UploadGone,
            AlibabaErrorKind.MediaGone => UploadErrorKind.MediaGone,
            _ => UploadErrorKind.Fatal,
        };
        return new UploadException(error.Code, error.Message, kind, error);
    }
}

/// <summary>
/// A failed step as data: the stable code, what to do about it, and a message without secrets. Steps run as activities
/// return it instead of throwing, so the workflow decides from <see cref="Kind"/>, never from a message's text.
/// </summary>
/// <param name="Code">One of <see cref="UploadErrorCodes"/>, or the service's code.</param>
/// <param name="Kind">What the workflow does next.</param>
/// <param name="Message">What happened.</param>
public sealed record UploadFailure(string Code, UploadErrorKind Kind, string Message)
{
    /// <summary>The failure as an exception (the in-process API throws it).</summary>
    public UploadException ToException() => new(Code, Message, Kind);
}
