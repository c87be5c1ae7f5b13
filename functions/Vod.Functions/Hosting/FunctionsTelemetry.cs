using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Vod.Functions.Hosting;

/// <summary>The app's own traces and metrics (the engine's are <see cref="Upload.Telemetry.UploadTelemetry"/>).</summary>
public static class FunctionsTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>.</summary>
    public const string Name = "Vod.Functions";

    /// <summary>Spans: one per upload activity, in the upload's trace.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(FunctionsTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The app's instruments.</summary>
    public static readonly Meter Meter = new(Name, typeof(FunctionsTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>vod.callbacks</c>: VOD events received, by <c>vod.callback.event</c> and <c>vod.callback.outcome</c> (accepted, or the problem code).</summary>
    public static readonly Counter<long> Callbacks = Meter.CreateCounter<long>("vod.callbacks", "{callback}", "VOD callbacks received, by outcome");

    /// <summary><c>vod.reconciliation.repairs</c>: records whose status reconciliation corrected, by <c>vod.media.kind</c> and <c>vod.media.status</c>.</summary>
    public static readonly Counter<long> Repairs = Meter.CreateCounter<long>("vod.reconciliation.repairs", "{record}", "Media records reconciliation corrected");
}
