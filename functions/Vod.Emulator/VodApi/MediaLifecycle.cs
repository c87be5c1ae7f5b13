using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vod.Emulator.Callbacks;
using Vod.Emulator.State;

namespace Vod.Emulator.VodApi;

/// <summary>
/// What VOD does after an object arrives: status changes (Uploading → UploadSucc → Transcoding → Normal for videos)
/// and the event callbacks, with the documented payloads and their quirks (<c>FileUrl</c> vs <c>FileURL</c>, the image
/// event's <c>:SSS</c> time, numbers as strings in VideoAnalysisComplete).
/// </summary>
public sealed class MediaLifecycle(EmulatorState state, CallbackDispatcher callbacks, FaultSwitches faults, TimeProvider time, EmulatorOptions options)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Where events go when the upload named no callback URL. Settable at run time.</summary>
    public Uri? DefaultCallbackUrl { get; set; } = options.CallbackUrl;

    /// <summary>
    /// Videos wait in <c>UploadSucc</c> at this gate before transcoding starts; open by default. Tests hold it to observe
    /// <c>UploadSucc</c> however slowly they run, then release it.
    /// </summary>
    public Gate TranscodeGate { get; } = new();

    /// <summary>The public (real-format) URL of an object, as VOD reports it: always http.</summary>
    public string FileUrl(string bucket, string key) => $"http://{bucket}.oss-{options.Region}.aliyuncs.com/{key}";

    /// <summary>An object arrived: its media moves on and its events are emitted (once).</summary>
    internal Task OnObjectCompletedAsync(StoredObject stored)
    {
        MediaRecord? media;
        lock (state.Sync)
        {
            media = state.Media.Values.FirstOrDefault(m => m.Bucket == stored.Bucket && m.Key == stored.Key && !m.Completed);
            if (media is null)
            {
                return Task.CompletedTask;
            }

            media.Completed = true;
            media.Size = stored.Size;
            media.ModificationTime = time.GetUtcNow();
            media.Status = media.Kind == "video" ? "UploadSucc" : "Normal";
        }

        state.MarkChanged();

        switch (media.Kind)
        {
            case "video":
                Emit(media, "FileUploadComplete", Payload(
                    ("Status", "success"), ("EventTime", Now()), ("EventType", "FileUploadComplete"), ("VideoId", media.Id),
                    ("Size", stored.Size), ("FileUrl", FileUrl(stored.Bucket, stored.Key)), ("Extend", media.Extend)));
                _ = Task.Run(() => TranscodeAsync(media, stored.Size));
                break;
            case "image":
                Emit(media, "ImageUploadComplete", Payload(
                    ("Status", "success"), ("FileURL", FileUrl(stored.Bucket, stored.Key)), ("AppId", media.AppId ?? "app-1000000"),
                    ("EventType", "ImageUploadComplete"), ("EventTime", NowWithColonMilliseconds()), ("Size", stored.Size),
                    ("ImageId", media.Id), ("Extend", media.Extend)));
                break;
            default:
                Emit(media, "AttachedMediaUploadComplete", Payload(
                    ("EventTime", Now()), ("EventType", "AttachedMediaUploadComplete"), ("AttachedMediaId", media.Id),
                    ("Size", stored.Size), ("FileURL", FileUrl(stored.Bucket, stored.Key)), ("Status", "success"), ("Extend", media.Extend)));
                break;
        }

        return Task.CompletedTask;
    }

    /// <summary>Emits the event that ends a pull job, under <paramref name="eventType"/> (UploadByURLComplete or URLUploadComplete).</summary>
    internal void EmitUrlUploadComplete(MediaRecord? media, UrlJob job, string? callbackUrl, string? extend, string eventType = "UploadByURLComplete")
    {
        var payload = job.Status is "SUCCESS" or "UPLOAD_SUCCESS"
            ? Payload(("Status", "success"), ("EventTime", Now()), ("EventType", eventType), ("VideoId", job.MediaId),
                ("JobId", job.JobId), ("SourceURL", job.SourceUrl), ("Size", job.FileSize?.ToString(CultureInfo.InvariantCulture)), ("Extend", extend))
            : Payload(("Status", "fail"), ("EventTime", Now()), ("EventType", eventType), ("JobId", job.JobId),
                ("SourceURL", job.SourceUrl), ("ErrorCode", job.ErrorCode), ("ErrorMessage", job.ErrorMessage), ("Extend", extend));
        state.MarkChanged();
        var url = callbackUrl ?? DefaultCallbackUrl?.OriginalString;
        if (url is not null)
        {
            callbacks.Enqueue(new VodEvent(eventType, media?.Id ?? job.JobId, url, payload));
        }
    }

    /// <summary>
    /// After a restart: videos that had arrived but not finished transcoding (the process that would have moved them on
    /// stopped) transcode again, emitting their analysis and transcode events.
    /// </summary>
    internal void ResumeTranscoding()
    {
        List<MediaRecord> waiting;
        lock (state.Sync)
        {
            waiting = [.. state.Media.Values.Where(m => m is { Kind: "video", Completed: true, Status: "UploadSucc" or "Transcoding" })];
        }

        foreach (var media in waiting)
        {
            _ = Task.Run(() => TranscodeAsync(media, media.Size ?? 0));
        }
    }

    private async Task TranscodeAsync(MediaRecord media, long size)
    {
        // Decided as the video arrives, so "the next N videos" fail in the order they arrived.
        var fails = faults.TakeTranscodeFailure();
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200, options.TranscodeDelay.TotalMilliseconds / 4)), time);
        await TranscodeGate.PassAsync(CancellationToken.None);
        lock (state.Sync)
        {
            if (!state.Media.ContainsKey(media.Id))
            {
                return;
            }

            media.Status = "Transcoding";
        }

        state.MarkChanged();

        var s = size.ToString(CultureInfo.InvariantCulture);
        Emit(media, "VideoAnalysisComplete", Payload(
            ("VideoId", media.Id), ("Status", "success"), ("Width", "1920"), ("Height", "1080"), ("Duration", "12"),
            ("Bitrate", "925"), ("Fps", "30"), ("Size", s), ("EventTime", Now()), ("EventType", "VideoAnalysisComplete")));
        await Task.Delay(options.TranscodeDelay, time);
        lock (state.Sync)
        {
            if (!state.Media.ContainsKey(media.Id))
            {
                return;
            }

            media.Status = fails ? "TranscodeFail" : "Normal";
            media.ModificationTime = time.GetUtcNow();
        }

        state.MarkChanged();
        if (fails)
        {
            // VOD's TranscodeComplete when no stream succeeded: status fail, each stream's error in StreamInfos.
            var failed = new Dictionary<string, object?>
            {
                ["Status"] = "fail", ["Definition"] = "LD", ["JobId"] = Guid.NewGuid().ToString("N"),
                ["ErrorCode"] = "InvalidParameter.ResourceContentBad", ["ErrorMessage"] = "The resource content is bad.",
            };
            Emit(media, "TranscodeComplete", Payload(
                ("EventTime", Now()), ("EventType", "TranscodeComplete"), ("VideoId", media.Id), ("Status", "fail"),
                ("Extend", media.Extend), ("StreamInfos", new[] { failed })));
            return;
        }

        var stream = new Dictionary<string, object?>
        {
            ["Status"] = "success", ["Bitrate"] = "925", ["Definition"] = "LD", ["Duration"] = "12.0", ["Encrypt"] = false,
            ["FileUrl"] = $"http://{media.Bucket}.oss-{options.Region}.aliyuncs.com/{media.Id}/transcode/ld.mp4", ["Format"] = "mp4",
            ["Fps"] = "30", ["Height"] = 960, ["Width"] = 540, ["Size"] = size / 4, ["JobId"] = Guid.NewGuid().ToString("N"),
        };
        Emit(media, "StreamTranscodeComplete", Payload(
            ("EventTime", Now()), ("EventType", "StreamTranscodeComplete"), ("VideoId", media.Id), ("Status", "success"),
            ("Bitrate", "925"), ("Definition", "LD"), ("Duration", 12.0), ("Encrypt", false), ("FileUrl", stream["FileUrl"]), ("Format", "mp4"),
            ("Fps", "30"), ("Height", 960), ("Width", 540), ("Size", size / 4), ("JobId", stream["JobId"]), ("Extend", media.Extend)));
        Emit(media, "TranscodeComplete", Payload(
            ("EventTime", Now()), ("EventType", "TranscodeComplete"), ("VideoId", media.Id), ("Status", "success"),
            ("Extend", media.Extend), ("StreamInfos", new[] { stream })));
    }

    private void Emit(MediaRecord media, string eventType, string body)
    {
        var url = media.CallbackUrl ?? DefaultCallbackUrl?.OriginalString;
        if (url is not null)
        {
            callbacks.Enqueue(new VodEvent(eventType, media.Id, url, body));
        }
    }

    private static string Payload(params (string Name, object? Value)[] fields)
    {
        var ordered = new Dictionary<string, object?>();
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                ordered[name] = value;
            }
        }

        return JsonSerializer.Serialize(ordered, Json);
    }

    private string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private string NowWithColonMilliseconds() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss':'fff'Z'", CultureInfo.InvariantCulture);
}
