using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vod.Upload;
using Vod.Upload.Pull;

namespace Vod.Cli.Output;

/// <summary>
/// What <c>vod pull</c> shows: a line each time VOD's job changes status (VOD reports no bytes while it downloads, so
/// there is no bar to draw), with the time waited; then the VideoId. <c>--json</c>: a <c>pull</c> event per change,
/// then <c>succeeded</c> or <c>failed</c>.
/// </summary>
internal sealed class PullReporter(TextWriter output, bool json) : IUploadObserver
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string? _lastStatus;
    private string? _lastMediaId;

    public void OnPullProgress(PullProgress progress)
    {
        if (progress.VodStatus == _lastStatus && progress.MediaId == _lastMediaId)
        {
            return;
        }

        (_lastStatus, _lastMediaId) = (progress.VodStatus, progress.MediaId);
        if (json)
        {
            Write(new { @event = "pull", jobId = progress.JobId, mediaId = progress.MediaId, vodStatus = progress.VodStatus, bytes = progress.Bytes, seconds = Seconds() });
            return;
        }

        var what = progress.VodStatus switch
        {
            "RESUMED" => $"Watching the pull job {progress.JobId} an earlier run submitted",
            "PENDING" => $"Queued in VOD as job {progress.JobId}",
            "PROCESSING" or "DOWNLOADING" => "VOD is fetching the file",
            "DOWNLOAD_SUCCESS" or "UPLOADING" => "VOD fetched the file and is storing it",
            "UPLOAD_SUCCESS" or "SUCCESS" => "VOD stored the file",
            var other => $"VOD reports {other}",
        };
        var media = progress.MediaId is null ? string.Empty : $" (VideoId {progress.MediaId})";
        var size = progress.Bytes is { } bytes ? $", {Units.Bytes(bytes)}" : string.Empty;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed:hh\\:mm\\:ss}] {what}{media}{size}"));
    }

    public void OnPullSucceeded(PullResult result)
    {
        if (json)
        {
            Write(new { @event = "succeeded", kind = "Video", videoId = result.MediaId, size = result.Size, jobId = result.JobId, seconds = Seconds() });
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VideoId: {result.MediaId}"));
        var size = result.Size is { } bytes ? $"{Units.Bytes(bytes)} pulled by VOD" : "pulled by VOD";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size} in {_clock.Elapsed.TotalSeconds:0.0} s (job {result.JobId}); no byte passed through this machine."));
    }

    public void OnFailed(string code, string message)
    {
        if (json)
        {
            Write(new { @event = "failed", code, message });
        }
    }

    private double Seconds() => Math.Round(_clock.Elapsed.TotalSeconds, 3);

    private void Write(object value) => output.WriteLine(JsonSerializer.Serialize(value, Json));
}
