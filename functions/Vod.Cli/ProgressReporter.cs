using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vod.Upload;
using Vod.Upload.Engine;

namespace Vod.Cli;

/// <summary>How progress is shown.</summary>
internal enum OutputMode
{
    /// <summary>A live bar with speed and ETA, redrawn in place; events print as lines above it.</summary>
    Terminal,

    /// <summary>Plain lines (output redirected): one every 10 %, and every event.</summary>
    Lines,

    /// <summary>One JSON object per event, for machines.</summary>
    Json,
}

/// <summary>
/// Turns engine events into what the user sees: honest numbers (bytes sent by this run, not counting parts an earlier
/// run stored), the phases, every retry and refresh, and a summary at the end.
/// </summary>
internal sealed class ProgressReporter(TextWriter output, OutputMode mode) : IUploadObserver
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _sync = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _reusedBytes;
    private int _reusedParts;
    private long _lastBytes;
    private int _lastDecile = -1;
    private long _lastDraw;
    private bool _barShown;
    private int _retries;
    private int _refreshes;

    public void OnStarted(UploadStarted started)
    {
        lock (_sync)
        {
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "started", mediaId = started.MediaId, kind = started.Kind.ToString(), totalBytes = started.TotalBytes, parts = started.PartCount, resumed = started.Resumed });
                return;
            }

            output.WriteLine($"{(started.Resumed ? "Resuming" : "Uploading")} {Units.Bytes(started.TotalBytes)} as {started.Kind.ToString().ToLowerInvariant()} {started.MediaId} ({started.PartCount} part{(started.PartCount == 1 ? string.Empty : "s")})");
        }
    }

    public void OnPartsReused(int partsDone, int partCount, long bytesDone)
    {
        lock (_sync)
        {
            (_reusedParts, _reusedBytes, _lastBytes) = (partsDone, bytesDone, Math.Max(_lastBytes, bytesDone));
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "partsReused", partsDone, parts = partCount, bytesDone });
                return;
            }

            Line($"{partsDone} of {partCount} parts were already uploaded ({Units.Bytes(bytesDone)}); sending the rest.");
        }
    }

    public void OnProgress(UploadProgress progress)
    {
        lock (_sync)
        {
            _lastBytes = progress.BytesUploaded;
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
                    if (_clock.ElapsedMilliseconds - _lastDraw < 100 && progress.BytesUploaded < progress.TotalBytes)
                    {
                        break;
                    }

                    _lastDraw = _clock.ElapsedMilliseconds;
                    var remaining = speed > 0 ? TimeSpan.FromSeconds((progress.TotalBytes - progress.BytesUploaded) / speed) : TimeSpan.Zero;
                    const int width = 30;
                    var filled = (int)(width * progress.Percent / 100);
                    var bar = new string('#', filled) + new string('.', width - filled);
                    output.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{bar}] {progress.Percent,6:0.0}%  {Units.Bytes(progress.BytesUploaded)}/{Units.Bytes(progress.TotalBytes)}  {Units.Bytes((long)speed)}/s  ETA {remaining:hh\\:mm\\:ss}  "));
                    _barShown = true;
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

            EndBar();
            if (result.Kind == MediaKind.Video)
            {
                output.WriteLine($"VideoId: {result.MediaId}");
            }
            else
            {
                output.WriteLine($"ImageId: {result.MediaId}");
                output.WriteLine($"ImageURL: {result.ImageUrl}");
                output.WriteLine($"FileURL: {result.FileUrl}");
            }

            var reused = _reusedParts > 0 ? $", {Units.Bytes(_reusedBytes)} reused from an earlier run" : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Uploaded {Units.Bytes(result.Size)}: {Units.Bytes(sent)} sent in {seconds:0.0} s ({Units.Bytes((long)(sent / Math.Max(0.001, seconds)))}/s){reused}; {_retries} retr{(_retries == 1 ? "y" : "ies")}, {_refreshes} credential refresh{(_refreshes == 1 ? string.Empty : "es")}; CRC-64 {result.Crc64} verified by OSS."));
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

            EndBar();
        }
    }

    // An event line on a terminal goes above the bar: end the bar's line first; the next progress draws it again.
    private void Line(string text)
    {
        EndBar();
        output.WriteLine(text);
    }

    private void EndBar()
    {
        if (_barShown)
        {
            output.WriteLine();
            _barShown = false;
        }
    }

    private void Write(object value) => output.WriteLine(JsonSerializer.Serialize(value, Json));
}
