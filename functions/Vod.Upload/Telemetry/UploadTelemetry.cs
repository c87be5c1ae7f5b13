using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Vod.Upload.Telemetry;

/// <summary>
/// The engine's traces and metrics, named after OpenTelemetry's conventions (<c>vod.*</c> for our own attributes,
/// <c>error.type</c>, <c>server.address</c>, <c>rpc.*</c> where they fit). Attributes never carry a credential, a
/// signed URL or a SAS: media ids, part numbers, error codes, host names and sizes only.
/// </summary>
public static class UploadTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>: subscribe to it to export.</summary>
    public const string Name = "Vod.Upload";

    /// <summary>Spans: one per step run and one per VOD or OSS call.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(UploadTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The engine's instruments.</summary>
    public static readonly Meter Meter = new(Name, typeof(UploadTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>vod.upload.bytes</c> (By): bytes OSS stored for this process (a part counts once, when OSS confirmed it).</summary>
    public static readonly Counter<long> BytesUploaded = Meter.CreateCounter<long>("vod.upload.bytes", "By", "Bytes stored on OSS by this process");

    /// <summary><c>vod.upload.part.duration</c> (s): how long one stored part took, buffer rented to OSS's answer (retries included).</summary>
    public static readonly Histogram<double> PartDuration = Meter.CreateHistogram<double>("vod.upload.part.duration", "s", "Time to read, hash and store one part",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120] });

    /// <summary><c>vod.upload.retries</c>: a part or a step tried again, by <c>error.type</c> and <c>vod.retry.scope</c> (part, step).</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("vod.upload.retries", "{retry}", "Parts and steps tried again, by error code");

    /// <summary><c>vod.upload.credential.refreshes</c>: upload credentials fetched again, by <c>vod.after_expiry</c>.</summary>
    public static readonly Counter<long> CredentialRefreshes = Meter.CreateCounter<long>("vod.upload.credential.refreshes", "{refresh}", "Upload credentials refreshed");

    /// <summary><c>vod.uploads</c>: uploads by <c>vod.upload.state</c> (started, succeeded, failed) and, when failed, <c>error.type</c>.</summary>
    public static readonly Counter<long> Uploads = Meter.CreateCounter<long>("vod.uploads", "{upload}", "Uploads started, succeeded and failed");

    /// <summary>Records one part OSS confirmed: its bytes and how long it took from buffer to stored.</summary>
    public static void PartStored(long bytes, TimeSpan elapsed)
    {
        BytesUploaded.Add(bytes);
        PartDuration.Record(elapsed.TotalSeconds);
    }

    /// <summary>Counts an upload that started.</summary>
    public static void UploadStarted(string kind) => Uploads.Add(1, new("vod.upload.state", "started"), new("vod.media.kind", kind));

    /// <summary>Counts an upload that ended: succeeded, or failed with <paramref name="errorCode"/>.</summary>
    public static void UploadEnded(string kind, string? errorCode)
    {
        if (errorCode is null)
        {
            Uploads.Add(1, new("vod.upload.state", "succeeded"), new("vod.media.kind", kind));
        }
        else
        {
            Uploads.Add(1, new("vod.upload.state", "failed"), new("vod.media.kind", kind), new("error.type", errorCode));
        }
    }

    /// <summary>
    /// Starts the span of one step run (<c>vod.step {name}</c>); null when nobody listens. With a
    /// <paramref name="traceParent"/> from another trace (an activity invoked by the orchestration), the span joins the
    /// upload's trace and links to the invocation's span; otherwise it is a child of the current span.
    /// </summary>
    public static Activity? StartStep(string step, string? traceParent, string? checkpointKey, string? mediaId)
    {
        var current = Activity.Current;
        var activity = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var upload) && current?.TraceId != upload.TraceId
            ? Source.StartActivity($"vod.step {step}", ActivityKind.Internal, upload, links: current is null ? null : [new ActivityLink(current.Context)])
            : Source.StartActivity($"vod.step {step}", ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("vod.step", step);
            activity.SetTag("vod.checkpoint.key", checkpointKey);
            activity.SetTag("vod.media.id", mediaId);
        }

        return activity;
    }

    /// <summary>Starts the span of one VOD or OSS call (<c>{system} {operation}</c>, a client span); null when nobody listens.</summary>
    public static Activity? StartCall(string system, string operation, string? serverAddress)
    {
        var activity = Source.StartActivity($"{system} {operation}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("rpc.system", system);
            activity.SetTag("rpc.method", operation);
            activity.SetTag("server.address", serverAddress);
        }

        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with an error code (never the message, which may name a resource).</summary>
    public static void Fail(Activity? activity, string errorCode)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, errorCode);
        activity.SetTag("error.type", errorCode);
    }
}
