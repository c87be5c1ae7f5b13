using Azure;
using Vod.Alibaba.Errors;

namespace Vod.Upload.Workflow;

/// <summary>Turns whatever a step threw into an <see cref="UploadFailure"/>, the one place that classifies exceptions.</summary>
public static class StepFailures
{
    /// <summary>
    /// The failure for <paramref name="exception"/>: an <see cref="UploadException"/> keeps its code and kind; storage or
    /// network trouble beyond the clients' own retries is retryable; anything else is a defect (InternalError, fatal).
    /// Messages carry no secret: storage errors give only their status and code.
    /// </summary>
    public static UploadFailure From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            UploadException upload => upload.ToFailure(),
            AlibabaCloudException alibaba => UploadException.From(alibaba).ToFailure(),
            AlibabaRequestValidationException invalid => new UploadFailure(UploadErrorCodes.InvalidRequest, UploadErrorKind.Fatal, invalid.Message),
            RequestFailedException storage when storage.Status is 0 or 408 or 429 or >= 500 =>
                new UploadFailure(UploadErrorCodes.StorageUnavailable, UploadErrorKind.Retryable, $"Azure Storage answered {storage.Status} {storage.ErrorCode}; the step will be retried."),
            RequestFailedException storage =>
                new UploadFailure(UploadErrorCodes.InternalError, UploadErrorKind.Fatal, $"Azure Storage refused a request: {storage.Status} {storage.ErrorCode}."),
            HttpRequestException or IOException or TimeoutException or TaskCanceledException =>
                new UploadFailure(UploadErrorCodes.StorageUnavailable, UploadErrorKind.Retryable, $"{exception.GetType().Name}: {exception.Message}"),
            _ => new UploadFailure(UploadErrorCodes.InternalError, UploadErrorKind.Fatal, $"{exception.GetType().Name}: {exception.Message}"),
        };
    }
}
