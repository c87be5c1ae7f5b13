using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vod.Upload;
using Vod.Upload.Engine;

namespace Vod.Cli;

/// <summary>How progress is shown.</summary>
internal enum OutputMode
{
    /// <summary>A live bar with speed and ETA, redrawn in place.</summary>
    Terminal,

    /// <summary>Plain lines (output redirected): one every 10 %.</summary>
    Lines,

    /// <summary>One JSON object per event, for machines.</summary>
    Json,
}

/// <summary>Turns engine events into what the user sees.</summary>
internal sealed class ProgressReporter(TextWriter output, OutputMode mode) : IUploadObserver
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly object _sync = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _startBytes = -1;
    private int _lastDecile = -1;
    private long _lastDraw;

    public void OnStarted(UploadStarted started)
    {
        lock (_sync)
        {
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "started", mediaId = started.MediaId, kind = started.Kind.ToString(), totalBytes = started.TotalBytes, parts = started.PartCount, resumed = started.Resumed });
            }
            else
            {
                output.WriteLine($"{(started.Resumed ? "Resuming" : "Uploading")} {Mib(started.TotalBytes)} as {started.Kind.ToString().ToLowerInvariant()} {started.MediaId} ({started.PartCount} part{(started.PartCount == 1 ? string.Empty : "s")})");
            }
        }
    }

    public void OnProgress(UploadProgress progress)
    {
        lock (_sync)
        {
            if (_startBytes < 0)
            {
                _startBytes = progress.BytesUploaded - Math.Min(progress.BytesUploaded, progress.TotalBytes / Math.Max(1, progress.PartCount));
            }

            var seconds = Math.Max(0.001, _clock.Elapsed.TotalSeconds);
            var speed = (progress.BytesUploaded - _startBytes) / seconds;
            var remaining = speed > 0 ? TimeSpan.FromSeconds((progress.TotalBytes - progress.BytesUploaded) / speed) : TimeSpan.Zero;
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
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress {progress.Percent,6:0.0}%  {Mib(progress.BytesUploaded)} of {Mib(progress.TotalBytes)}  {Mib((long)speed)}/s"));
                    }

                    break;
                default:
                    if (_clock.ElapsedMilliseconds - _lastDraw < 100 && progress.BytesUploaded < progress.TotalBytes)
                    {
                        break;
                    }

                    _lastDraw = _clock.ElapsedMilliseconds;
                    const int width = 30;
                    var filled = (int)(width * progress.Percent / 100);
                    var bar = new string('#', filled) + new string('.', width - filled);
                    output.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{bar}] {progress.Percent,6:0.0}%  {Mib(progress.BytesUploaded)}/{Mib(progress.TotalBytes)}  {Mib((long)speed)}/s  ETA {remaining:hh\\:mm\\:ss}  "));
                    if (progress.BytesUploaded >= progress.TotalBytes)
                    {
                        output.WriteLine();
                    }

                    break;
            }
        }
    }

    public void OnTokenRefreshed(string mediaId, bool afterExpiry)
    {
        lock (_sync)
        {
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "tokenRefreshed", mediaId, afterExpiry });
            }
            else if (mode == OutputMode.Lines)
            {
                output.WriteLine($"credentials refreshed{(afterExpiry ? " after expiry" : string.Empty)}");
            }
        }
    }

    public void OnPartRetried(int partNumber, int attempt, string errorCode)
    {
        lock (_sync)
        {
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "partRetried", part = partNumber, attempt, code = errorCode });
            }
            else if (mode == OutputMode.Lines)
            {
                output.WriteLine($"part {partNumber} failed with {errorCode}; attempt {attempt}");
            }
        }
    }

    public void OnSucceeded(UploadResult result)
    {
        lock (_sync)
        {
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
                    crc64 = result.Crc64.ToString(CultureInfo.InvariantCulture),
                    seconds = Math.Round(_clock.Elapsed.TotalSeconds, 3),
                });
                return;
            }

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

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Uploaded {Mib(result.Size)} in {_clock.Elapsed.TotalSeconds:0.0} s; CRC-64 {result.Crc64} verified by OSS."));
        }
    }

    public void OnFailed(string code, string message)
    {
        lock (_sync)
        {
            if (mode == OutputMode.Json)
            {
                Write(new { @event = "failed", code, message });
            }
        }
    }

    private void Write(object value) => output.WriteLine(JsonSerializer.Serialize(value, Json));

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");
}
