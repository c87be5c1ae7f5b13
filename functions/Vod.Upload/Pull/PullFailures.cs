using Vod.Alibaba.VodApi.Operations;

namespace Vod.Upload.Pull;

/// <summary>Classifies a failed pull job (DOWNLOAD_FAIL, UPLOAD_FAIL) into the engine's typed pull errors, keeping VOD's message; and a failed pull step, without its URLs' queries.</summary>
public static class PullFailures
{
    /// <summary>Whether <paramref name="status"/> is one of VOD's failed job statuses.</summary>
    public static bool IsFailed(string? status) => status is "DOWNLOAD_FAIL" or "UPLOAD_FAIL" or "FAIL" or "fail";

    /// <summary>Whether <paramref name="status"/> says the file is in VOD.</summary>
    public static bool IsCompleted(string? status) => status is "SUCCESS" or "UPLOAD_SUCCESS" or "success";

    /// <summary>The failure of a job that ended with <paramref name="info"/>.</summary>
    public static UploadFailure From(UrlUploadInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return From(info.Status, info.ErrorCode, info.ErrorMessage);
    }

    /// <summary>
    /// The failure of a job VOD reports with <paramref name="status"/>, <paramref name="errorCode"/> and
    /// <paramref name="errorMessage"/> (from GetURLUploadInfos or the callback). URLs in VOD's message lose their query.
    /// </summary>
    public static UploadFailure From(string? status, string? errorCode, string? errorMessage)
    {
        var code = errorCode ?? string.Empty;
        var message = PullUrls.RedactText(errorMessage);
        var text = code + " " + message;
        var typed =
            Has(text, "expire") ? UploadErrorCodes.PullUrlExpired
            : Has(text, "AccessDenied") || Has(text, "Forbidden") || Has(text, " 403") || Has(text, "401") ? UploadErrorCodes.PullAccessDenied
            : Has(text, "FileSize") || Has(text, "TooLarge") || Has(text, "Exceed") ? UploadErrorCodes.PullTooLarge
            : UploadErrorCodes.PullUploadFailed;
        var said = string.IsNullOrEmpty(code) && string.IsNullOrEmpty(message) ? "no reason given" : $"{code}: {message}".Trim(' ', ':');
        return new UploadFailure(typed, UploadErrorKind.Fatal, $"VOD's pull job ended {status ?? "failed"}: {said}");
    }

    /// <summary>
    /// A pull step's exception as data (<see cref="Workflow.StepFailures.From"/>), its message without URL queries: VOD's
    /// and the SDK's messages may quote the submitted URL, whose query (a SAS) never leaves the step.
    /// </summary>
    public static UploadFailure FromStep(Exception exception)
    {
        var failure = Workflow.StepFailures.From(exception);
        return failure with { Message = PullUrls.RedactText(failure.Message) };
    }

    private static bool Has(string text, string what) => text.Contains(what, StringComparison.OrdinalIgnoreCase);
}
