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

    /// <summary>Wraps a service failure, keeping its code and classification.</summary>
    public static UploadException From(AlibabaCloudException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var kind = error.Kind switch
        {
            AlibabaErrorKind.Retryable => UploadErrorKind.Retryable,
            AlibabaErrorKind.CredentialExpired => UploadErrorKind.CredentialExpired,
            AlibabaErrorKind.UploadGone => UploadErrorKind.UploadGone,
            _ => UploadErrorKind.Fatal,
        };
        return new UploadException(error.Code, error.Message, kind, error);
    }
}
