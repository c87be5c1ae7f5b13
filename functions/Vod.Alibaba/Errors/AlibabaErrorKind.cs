namespace Vod.Alibaba.Errors;

/// <summary>What a caller should do about a failed Alibaba Cloud request.</summary>
public enum AlibabaErrorKind
{
    /// <summary>Nothing can fix it by retrying: bad input, missing permission, a conflict.</summary>
    Fatal = 0,

    /// <summary>Transient (5xx, timeout, connection reset, throttling): retry with backoff.</summary>
    Retryable,

    /// <summary>The STS credential expired: refresh it (RefreshUploadVideo) and retry.</summary>
    CredentialExpired,

    /// <summary>The OSS multipart upload no longer exists: start a new one on the same object.</summary>
    UploadGone,

    /// <summary>The VOD media no longer exists (<c>InvalidVideo.NotFound</c>): start over with a new media id.</summary>
    MediaGone,
}
