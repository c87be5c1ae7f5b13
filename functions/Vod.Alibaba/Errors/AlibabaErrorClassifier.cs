namespace Vod.Alibaba.Errors;

/// <summary>Maps an error code and HTTP status to an <see cref="AlibabaErrorKind"/>; shared by VOD, STS and OSS.</summary>
public static class AlibabaErrorClassifier
{
    private static readonly HashSet<string> RetryableCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "InternalError", "ServiceUnavailable", "ServiceUnAvailable", "Throttling", "Throttling.User",
        "Throttling.Api", "Throttling.System", "ServiceBusy", "AddVideoFailed",

        // A fresh nonce on the retry succeeds.
        "SignatureNonceUsed",

        // The body OSS received does not match the Content-MD5 computed from the source: damaged in transit.
        "InvalidDigest",
        NetworkErrorCode, TimeoutErrorCode,
    };

    private static readonly HashSet<string> ExpiredCodes = new(StringComparer.Ordinal)
    {
        "SecurityTokenExpired", "InvalidSecurityToken.Expired",
    };

    /// <summary>The code given to failures that never reached the service (DNS, refused, reset).</summary>
    public const string NetworkErrorCode = "NetworkError";

    /// <summary>The code given to requests that timed out on our side.</summary>
    public const string TimeoutErrorCode = "RequestTimeout";

    /// <summary>Classifies an error.</summary>
    /// <param name="statusCode">HTTP status, or 0 when no response arrived.</param>
    /// <param name="code">The service's error code.</param>
    /// <param name="usingTemporaryCredential">Whether the request was signed with an STS credential: then
    /// <c>InvalidAccessKeyId</c> and <c>InvalidSecurityToken</c> mean the token expired.</param>
    public static AlibabaErrorKind Classify(int statusCode, string? code, bool usingTemporaryCredential)
    {
        code ??= string.Empty;
        if (ExpiredCodes.Contains(code))
        {
            return AlibabaErrorKind.CredentialExpired;
        }

        if (usingTemporaryCredential && (code is "InvalidAccessKeyId" or "InvalidAccessKeyId.NotFound" or "InvalidSecurityToken"))
        {
            return AlibabaErrorKind.CredentialExpired;
        }

        if (code == "NoSuchUpload")
        {
            return AlibabaErrorKind.UploadGone;
        }

        if (code == "InvalidVideo.NotFound")
        {
            return AlibabaErrorKind.MediaGone;
        }

        if (RetryableCodes.Contains(code) || code.StartsWith("Throttling", StringComparison.Ordinal)
            || statusCode >= 500 || statusCode == 429 || statusCode == 0)
        {
            return AlibabaErrorKind.Retryable;
        }

        return AlibabaErrorKind.Fatal;
    }
}
