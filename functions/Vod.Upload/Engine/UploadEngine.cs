using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Upload.Checkpoints;
using Vod.Upload.Credentials;
using Vod.Upload.Ports;
using Vod.Upload.Sources;
using Vod.Upload.Steps;
using Vod.Upload.Telemetry;
using Vod.Upload.Workflow;

namespace Vod.Upload.Engine;

/// <summary>
/// Moves a source into VOD. The steps — plan, create-or-refresh, initiate-or-resume, upload parts, complete, clean up,
/// cancel — each run on any instance after any crash: they read what they need from the checkpoint (which holds no
/// secret) and fetch credentials again when this process has none. <see cref="UploadWorkflow"/> sequences them; a
/// durable host runs them as activities, <see cref="UploadAsync"/> runs them in this process (the CLI).
/// </summary>
public sealed class UploadEngine
{
    private readonly StepServices _services;

    /// <summary>Creates an engine over ports (the Alibaba clients in production, in-memory fakes in tests).</summary>
    /// <param name="vod">VOD calls.</param>
    /// <param name="oss">OSS calls.</param>
    /// <param name="checkpoints">Where checkpoints live.</param>
    /// <param name="sources">Opens sources.</param>
    /// <param name="timeProvider">Clock; the system clock when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public UploadEngine(IVodUploadApi vod, IOssUploadApi oss, ICheckpointStore checkpoints, IUploadSourceResolver sources, TimeProvider? timeProvider = null, ILogger<UploadEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(vod);
        ArgumentNullException.ThrowIfNull(oss);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(sources);
        var time = timeProvider ?? TimeProvider.System;
        var log = (ILogger?)logger ?? NullLogger.Instance;
        _services = new StepServices(vod, oss, checkpoints, sources, new UploadCredentials(vod, time, log), time, log);
    }

    /// <summary>Creates an engine over the Alibaba clients.</summary>
    /// <param name="vod">VOD API client (account credentials).</param>
    /// <param name="oss">OSS client; <see cref="OssAddressingStyle.Automatic"/> addressing suits both Alibaba and the emulator.</param>
    /// <param name="checkpoints">Where checkpoints live.</param>
    /// <param name="sources">Opens sources.</param>
    /// <param name="timeProvider">Clock; the system clock when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public UploadEngine(VodClient vod, OssClient oss, ICheckpointStore checkpoints, IUploadSourceResolver sources, TimeProvider? timeProvider = null, ILogger<UploadEngine>? logger = null)
        : this(new VodUploadApi(vod), new OssUploadApi(oss), checkpoints, sources, timeProvider, logger)
    {
    }

    /// <summary>The checkpoint store.</summary>
    public ICheckpointStore Checkpoints => _services.Checkpoints;

    /// <summary>How often a running part batch looks for a stop request; a stop is acknowledged after twice this.</summary>
    public static TimeSpan StopPollInterval => PartUploadStep.StopPollInterval;

    /// <summary>
    /// Runs the whole workflow in this process: the CLI's upload. Resumes from a checkpoint when there is one; retries
    /// steps as the orchestration does; holds the checkpoint's lock, so a second run of the same source is refused
    /// (<see cref="UploadErrorCodes.UploadInProgress"/>). Throws <see cref="UploadException"/> when the upload fails.
    /// </summary>
    public async Task<UploadResult> UploadAsync(UploadRequest request, IUploadObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var monotonic = new MonotonicObserver(observer ?? NullUploadObserver.Instance);
        using var span = UploadTelemetry.Source.StartActivity("vod.upload", System.Diagnostics.ActivityKind.Internal);
        span?.SetTag("vod.source", request.Source.Location);
        var expectedKind = KindOf(request.Source.FileName);
        UploadTelemetry.UploadStarted(expectedKind);
        WorkflowOutcome outcome;
        await using (var steps = new InProcessUploadSteps(this, request, monotonic, _services.Time, _services.Logger, cancellationToken))
        {
            outcome = await UploadWorkflow.RunAsync(steps, request.Options).ConfigureAwait(false);
        }

        UploadTelemetry.UploadEnded(outcome.Result?.Kind.ToString() ?? expectedKind, outcome.Failure?.Code);
        if (outcome.Failure is { } failure)
        {
            UploadTelemetry.Fail(span, failure.Code);
            UploadEvents.Failed(_services.Logger, request.Source.Location, failure);
            monotonic.OnFailed(failure.Code, failure.Message);
            throw failure.ToException();
        }

        span?.SetTag("vod.media.id", outcome.Result!.MediaId);
        monotonic.OnSucceeded(outcome.Result!);
        return outcome.Result!;
    }

    /// <summary>Step 1: opens the source, decides the media kind and the part plan, and pins the source version.</summary>
    public Task<UploadPlan> PlanAsync(UploadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TracedAsync("Plan", request.TraceParent, request.UploadId, checkpointKey: null, mediaId: null, parts: null, () => PlanStep.RunAsync(_services, request, cancellationToken));
    }

    /// <summary>Step 2: refreshes the checkpoint's video, or creates the media (an image is created and written).</summary>
    public Task<UploadSession> CreateOrRefreshAsync(UploadPlan plan, MediaMetadata metadata, UploadOptions options, IUploadObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(options);
        return TracedAsync("CreateOrRefresh", plan.TraceParent, plan.UploadId, plan.CheckpointKey, mediaId: null, parts: null,
            () => CreateOrRefreshStep.RunAsync(_services, plan, metadata, options, observer ?? NullUploadObserver.Instance, cancellationToken));
    }

    /// <summary>Step 3: reconciles with the multipart upload OSS has, or starts one; recognises an object already complete.</summary>
    public Task<MultipartState> InitiateOrResumeAsync(UploadSession session, UploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        return TracedAsync("InitiateOrResume", session.Plan.TraceParent, session.Plan.UploadId, session.Plan.CheckpointKey, session.MediaId, parts: null, () => InitiateOrResumeStep.RunAsync(_services, session, options, cancellationToken));
    }

    /// <summary>Step 4: uploads parts <paramref name="firstPart"/>–<paramref name="lastPart"/> the checkpoint does not have.</summary>
    public Task<PartBatchResult> UploadPartsAsync(UploadSession session, int firstPart, int lastPart, UploadOptions options, IUploadObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        return TracedAsync("UploadParts", session.Plan.TraceParent, session.Plan.UploadId, session.Plan.CheckpointKey, session.MediaId, (firstPart, lastPart),
            () => PartUploadStep.RunAsync(_services, session, firstPart, lastPart, options, observer ?? NullUploadObserver.Instance, cancellationToken));
    }

    /// <summary>Step 5: completes the object and verifies it against the source's parts.</summary>
    public Task<UploadResult> CompleteAsync(UploadSession session, UploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        return TracedAsync("Complete", session.Plan.TraceParent, session.Plan.UploadId, session.Plan.CheckpointKey, session.MediaId, parts: null, () => CompleteStep.RunAsync(_services, session, options, cancellationToken));
    }

    /// <summary>Step 6, after success: removes the checkpoint and forgets the media's credential.</summary>
    public async Task CleanUpAsync(UploadSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await TracedAsync("CleanUp", session.Plan.TraceParent, session.Plan.UploadId, session.Plan.CheckpointKey, session.MediaId, parts: null, async () =>
        {
            await _services.Checkpoints.DeleteAsync(session.Plan.CheckpointKey, cancellationToken).ConfigureAwait(false);
            _services.Credentials.Forget(session.MediaId);
            return true;
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels an unfinished upload: aborts its multipart upload, deletes the media it created unless
    /// <paramref name="keepMedia"/>, and removes its checkpoint.
    /// </summary>
    public Task<CancelResult> CancelAsync(string checkpointKey, bool keepMedia, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointKey);
        return TracedAsync("Cancel", traceParent: null, uploadId: null, checkpointKey, mediaId: null, parts: null, () => CancelStep.RunAsync(_services, checkpointKey, keepMedia, cancellationToken));
    }

    /// <summary>
    /// Where an upload stands according to its checkpoint — the parts stored and verified so far — or null when it has
    /// no checkpoint. Reads the store's summary (for blobs, one HEAD request, not the part list); writes nothing.
    /// </summary>
    public async Task<UploadProgress?> ProgressAsync(string checkpointKey, CancellationToken cancellationToken) =>
        await _services.Checkpoints.SummarizeAsync(checkpointKey, cancellationToken).ConfigureAwait(false) is { } summary
            ? new UploadProgress(summary.MediaId ?? string.Empty, summary.BytesDone, summary.TotalBytes, summary.PartsDone, summary.PartCount)
            : null;

    // The kind a file name says, for metrics; a name VOD takes under no kind fails in Plan, with its own error.
    private static string KindOf(string fileName)
    {
        try
        {
            return MediaKinds.FromFileName(fileName).ToString();
        }
        catch (UploadException)
        {
            return "Unknown";
        }
    }

    // Every step run is a span and a log scope (upload, checkpoint, media, part range), whichever host runs it: the CLI
    // in this process, the Functions app in an activity. A failure marks the span with its code only.
    private async Task<T> TracedAsync<T>(string step, string? traceParent, string? uploadId, string? checkpointKey, string? mediaId, (int First, int Last)? parts, Func<Task<T>> run)
    {
        using var span = UploadTelemetry.StartStep(step, traceParent, checkpointKey, mediaId);
        span?.SetTag("vod.upload.id", uploadId);
        if (parts is { } range)
        {
            span?.SetTag("vod.parts.first", range.First);
            span?.SetTag("vod.parts.last", range.Last);
        }

        using var scope = _services.Logger.BeginScope(new Dictionary<string, object?>
        {
            ["Step"] = step, ["UploadId"] = uploadId, ["CheckpointKey"] = checkpointKey, ["MediaId"] = mediaId, ["FirstPart"] = parts?.First, ["LastPart"] = parts?.Last,
        });
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            UploadTelemetry.Fail(span, StepFailures.From(ex).Code);
            throw;
        }
    }
}
