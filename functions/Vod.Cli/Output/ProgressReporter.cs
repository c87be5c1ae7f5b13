using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Vod.Upload;
using Vod.Upload.Engine;

namespace Vod.Cli.Output;

/// <summary>How progress is shown.</summary>
internal enum OutputMode
{
    /// <summary>A live display (phase, bar, bytes, speed, ETA); events print as lines above it.</summary>
    Terminal,

    /// <summary>Plain lines (output redirected): one every 10 %, and every event.</summary>
    Lines,

    /// <summary>One JSON object per event, for machines.</summary>
    Json,
}

/// <summary>
/// Turns engine events into what the user sees: honest numbers (bytes sent by this run, not counting parts an earlier
/// run stored), the phases, every retry and refresh, and a summary at the end. On a terminal it drives a live
/// Spectre.Console task in <paramref name="display"/>; otherwise it writes lines or JSON to <paramref name="output"/>.
/// </summary>
internal sealed class ProgressReporter(TextWriter output, OutputMode mode, ProgressContext? display = null) : IUploadObserver
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _sync = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _reusedBytes;
    private int _reusedParts;
    private int _lastDecile = -1;
    private int _retries;
    private int _refreshes;
    private readonly ProgressTask? _live = display?.AddTask("creating", maxValue: 1);
    private string _phase = "creating";

    /// <summary>The end-of-run lines (VideoId, summary), once the upload succeeded; a terminal prints them after the live display.</summary>
    public IReadOnlyList<string> Summary { get; private set; } = [];

    public void OnStarted(UploadStarted started)
    {
        lock (_sync)
        {
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "started", mediaId = started.MediaId, kind = started.Kind.ToString(), totalBytes = started.TotalBytes, parts = started.PartCount, resumed = started.Resumed });
                return;
            }

            _live?.MaxValue = Math.Max(1, started.TotalBytes);
            ShowPhase("uploading");

            Line($"{(started.Resumed ? "Resuming" : "Uploading")} {Units.Bytes(started.TotalBytes)} as {started.Kind.ToString().ToLowerInvariant()} {started.MediaId} ({started.PartCount} part{(started.PartCount == 1 ? string.Empty : "s")})");
        }
    }

    public void OnPartsReused(int partsDone, int partCount, long bytesDone)
    {
        lock (_sync)
        {
            (_reusedParts, _reusedBytes) = (partsDone, bytesDone);
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "partsReused", partsDone, parts = partCount, bytesDone });
                return;
            }

            _live?.Value = bytesDone;
            Line($"{partsDone} of {partCount} parts were already uploaded ({Units.Bytes(bytesDone)}); sending the rest.");
        }
    }

    public void OnProgress(UploadProgress progress)
    {
        lock (_sync)
        {
            var seconds = Math.Max(0.001, _clock.Elapsed.TotalSeconds);
            var speed = Math.Max(0, progress.BytesUploaded - _reusedBytes) / seconds;
            switch (mode)
            {
                case OutputMode.Json:
                    Write(new { @event = "progress", bytesUploaded = progress.BytesUploaded, totalBytes = progress.TotalBytes, percent = progress.Percent, partsDone = progress.PartsDone, parts = progress.PartCount, bytesPerSecond = (long)speed });
                    break;
                case OutputMode.Lines:
                    var decile = (int)(progress.Percent / 10);
                    if (decile != _lastDecile)
                    {
                        _lastDecile = decile;
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress {progress.Percent,6:0.0}%  {Units.Bytes(progress.BytesUploaded)} of {Units.Bytes(progress.TotalBytes)}  {Units.Bytes((long)speed)}/s"));
                    }

                    break;
                default:
                    if (_live is null)
                    {
                        break;
                    }

                    var remaining = speed > 0 ? TimeSpan.FromSeconds((progress.TotalBytes - progress.BytesUploaded) / speed) : TimeSpan.Zero;
                    _live.Value = progress.BytesUploaded;
                    _live.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"{_phase}  {Units.Bytes(progress.BytesUploaded)} of {Units.Bytes(progress.TotalBytes)}  {Units.Bytes((long)speed)}/s  ETA {remaining:hh\\:mm\\:ss}"));
                    break;
            }
        }
    }

    public void OnCompleting()
    {
        lock (_sync)
        {
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "completing" });
                return;
            }

            ShowPhase("completing and verifying CRC-64");
            Line("All parts stored; completing the object and verifying its CRC-64 …");
        }
    }

    public void OnTokenRefreshed(string mediaId, bool afterExpiry)
    {
        lock (_sync)
        {
            _refreshes++;
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "tokenRefreshed", mediaId, afterExpiry });
                return;
            }

            Line($"upload credentials refreshed{(afterExpiry ? " after they expired" : string.Empty)}");
        }
    }

    public void OnPartRetried(int partNumber, int attempt, string errorCode)
    {
        lock (_sync)
        {
            _retries++;
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "partRetried", part = partNumber, attempt, code = errorCode });
                return;
            }

            Line($"part {partNumber} failed with {errorCode}; attempt {attempt} follows");
        }
    }

    public void OnStepRetried(string stepName, string errorCode, TimeSpan delay)
    {
        lock (_sync)
        {
            _retries++;
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "stepRetried", step = stepName, code = errorCode, delaySeconds = delay.TotalSeconds });
                return;
            }

            Line(string.Create(CultureInfo.InvariantCulture, $"{stepName} failed with {errorCode}; trying again in {delay.TotalSeconds:0.#} s"));
        }
    }

    public void OnSucceeded(UploadResult result)
    {
        lock (_sync)
        {
            var seconds = _clock.Elapsed.TotalSeconds;
            var sent = Math.Max(0, result.Size - _reusedBytes);
            if (mode == OutputMode.Json)
            {
                Write(new
                {
                    @event = "succeeded",
                    kind = result.Kind.ToString(),
                    videoId = result.Kind == MediaKind.Video ? result.MediaId : null,
                    imageId = result.Kind == MediaKind.Image ? result.MediaId : null,
                    imageUrl = result.ImageUrl,
                    fileUrl = result.FileUrl,
                    size = result.Size,
                    bytesSent = sent,
                    bytesReused = _reusedBytes,
                    retries = _retries,
                    tokenRefreshes = _refreshes,
                    crc64 = result.Crc64.ToString(CultureInfo.InvariantCulture),
                    seconds = Math.Round(seconds, 3),
                });
                return;
            }

            _live?.Value = _live.MaxValue;
            ShowPhase("done");

            List<string> lines = result.Kind == MediaKind.Video
                ? [$"VideoId: {result.MediaId}"]
                : [$"ImageId: {result.MediaId}", $"ImageURL: {result.ImageUrl}", $"FileURL: {result.FileUrl}"];
            var reused = _reusedParts > 0 ? $", {Units.Bytes(_reusedBytes)} reused from an earlier run" : string.Empty;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"Uploaded {Units.Bytes(result.Size)}: {Units.Bytes(sent)} sent in {seconds:0.0} s ({Units.Bytes((long)(sent / Math.Max(0.001, seconds)))}/s){reused}; {_retries} retr{(_retries == 1 ? "y" : "ies")}, {_refreshes} credential refresh{(_refreshes == 1 ? string.Empty : "es")}; CRC-64 {result.Crc64} verified by OSS."));
            Summary = lines;
            if (_live is null)
            {
                foreach (var line in lines)
                {
                    output.WriteLine(line);
                }
            }
        }
    }

    public void OnFailed(string code, string message)
    {
        lock (_sync)
        {
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "failed", code, message });
                return;
            }

            ShowPhase($"failed: {code}");
        }
    }

    // A phase is drawn at once: the display's own refresh (every 100 ms) would skip one shorter than that, such as
    // completing a small upload, and the user would never learn the step happened.
    private void ShowPhase(string phase)
    {
        _phase = phase;
        if (_live is not null)
        {
            _live.Description = Markup.Escape(phase);
            display!.Refresh();
        }
    }

    // On a terminal an event line goes above the live display (Spectre.Console redraws it below).
    private void Line(string text)
    {
        if (_live is not null)
        {
            AnsiConsole.WriteLine(text);
        }
        else
        {
            output.WriteLine(text);
        }
    }

    private void Write(object value) => output.WriteLine(JsonSerializer.Serialize(value, Json));
}
