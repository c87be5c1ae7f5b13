using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload;

namespace Vod.Cli.Commands;

/// <summary>How waiting for VOD ended: the last status VOD reported and, unless the media is ready, why not.</summary>
/// <param name="Status">VOD's last status (null when it never answered).</param>
/// <param name="ErrorCode">Null when the media is ready; <see cref="MediaReadiness.ProcessingFailed"/>, <see cref="MediaReadiness.WaitTimedOut"/> or VOD's error code otherwise.</param>
/// <param name="Message">What to tell the user when it is not ready.</param>
internal sealed record ReadinessOutcome(string? Status, string? ErrorCode, string? Message)
{
    public bool Ready => ErrorCode is null;
}

/// <summary>
/// <c>--wait</c>: a stored object is not yet a playable media. VOD still takes it in (UploadSucc), may transcode or
/// review it (Transcoding, Checking) and then publishes it (Normal). This asks GetVideoInfo (GetImageInfo for an image)
/// with a growing pause until VOD reports a final status, telling the caller each new one.
/// </summary>
internal static class MediaReadiness
{
    /// <summary>VOD reported a status the media cannot leave (UploadFail, TranscodeFail, ProduceFail, Blocked).</summary>
    public const string ProcessingFailed = "VodProcessingFailed";

    /// <summary>VOD had not reported a final status when <c>--wait-timeout</c> ran out.</summary>
    public const string WaitTimedOut = "WaitTimedOut";

    // VOD's final states of a media (GetVideoInfo / GetImageInfo "Status"); every other one (Uploading, UploadSucc,
    // Transcoding, Checking) still moves.
    private static readonly HashSet<string> Failures = new(StringComparer.Ordinal) { "UploadFail", "TranscodeFail", "ProduceFail", "Blocked" };
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits until VOD reports <paramref name="mediaId"/> Normal or failed, or <paramref name="timeout"/> has passed (the
    /// last question is asked at the deadline). <paramref name="onStatus"/> hears each new status;
    /// <paramref name="onUnanswered"/> hears the error code when VOD stops answering (once per silence).
    /// </summary>
    public static async Task<ReadinessOutcome> WaitAsync(
        VodClient vod, MediaKind kind, string mediaId, TimeSpan timeout, Action<string> onStatus, Action<string> onUnanswered, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pause = FirstPause;
        string? status = null;
        string? silence = null;
        while (true)
        {
            try
            {
                var now = kind == MediaKind.Image
                    ? (await vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = mediaId }, cancellationToken).ConfigureAwait(false)).ImageInfo.Status
                    : (await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = mediaId }, cancellationToken).ConfigureAwait(false)).Video.Status;
                silence = null;
                if (now is not null && now != status)
                {
                    status = now;
                    onStatus(now);
                }
            }
            catch (AlibabaCloudException ex) when (ex.Kind == AlibabaErrorKind.Retryable)
            {
                // Throttled or unreachable: the media goes on in VOD; say so once, and ask again after the pause.
                if (silence is null)
                {
                    onUnanswered(ex.Code);
                }

                silence = ex.Code;
            }
            catch (AlibabaCloudException ex)
            {
                return new ReadinessOutcome(status, ex.Code, $"VOD could not say where {mediaId} stands: {ex.Code} from {vod.Endpoint.Host}: {ex.ServiceMessage}");
            }

            if (status == "Normal")
            {
                return new ReadinessOutcome(status, null, null);
            }

            if (status is not null && Failures.Contains(status))
            {
                return new ReadinessOutcome(status, ProcessingFailed, $"VOD reports {mediaId} {status}: the object was stored, but VOD will not publish it. 'vod info {mediaId}' shows VOD's view.");
            }

            var left = timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                var seconds = timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
                var where = silence is not null
                    ? $"VOD at {vod.Endpoint.Host} did not answer ({silence}) at the end of {seconds} s"
                    : $"VOD still reports {mediaId} {status ?? "nothing"} after {seconds} s";
                return new ReadinessOutcome(status, WaitTimedOut, $"{where}; the upload itself succeeded. 'vod info {mediaId}' shows where it stands.");
            }

            await Task.Delay(pause < left ? pause : left, cancellationToken).ConfigureAwait(false);
            pause = pause * 2 < MaxPause ? pause * 2 : MaxPause;
        }
    }
}
