using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vod.Alibaba.VodApi;
using Vod.Upload.Engine;
using Vod.Upload.Ports;
using Vod.Upload.Telemetry;
using Vod.Upload.Workflow;

namespace Vod.Upload.Pull;

/// <summary>
/// Pull uploads: VOD fetches the source itself from a URL (UploadMediaByURL), so no byte passes through this process.
/// <see cref="PullAsync"/> runs <see cref="PullWorkflow"/> in this process (the CLI's <c>vod pull</c>); the steps
/// (<see cref="SubmitAsync"/>, <see cref="PollAsync"/>, <see cref="CancelAsync"/>, <see cref="CleanUpAsync"/>) are what a
/// durable host runs as activities. Submission is create-once through the checkpoint (see <see cref="PullCheckpoint"/>):
/// a retry, a crash or a second run never submits the same pull twice. Every step is a span of the upload's trace.
/// </summary>
public sealed class PullUploader
{
    private readonly PullServices _services;

    /// <summary>Creates a pull uploader over ports (the Alibaba client in production, fakes in tests).</summary>
    /// <param name="vod">VOD pull calls.</param>
    /// <param name="checkpoints">Where pull checkpoints live (<see cref="LocalPullCheckpointStore"/> for the CLI).</param>
    /// <param name="timeProvider">Clock (and poll delays); the system clock when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public PullUploader(IVodPullApi vod, IPullCheckpointStore checkpoints, TimeProvider? timeProvider = null, ILogger<PullUploader>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(vod);
        ArgumentNullException.ThrowIfNull(checkpoints);
        _services = new PullServices(vod, checkpoints, timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <summary>Creates a pull uploader over the VOD API client.</summary>
    /// <param name="vod">VOD API client (account credentials).</param>
    /// <param name="checkpoints">Where pull checkpoints live.</param>
    /// <param name="timeProvider">Clock; the system clock when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public PullUploader(VodClient vod, IPullCheckpointStore checkpoints, TimeProvider? timeProvider = null, ILogger<PullUploader>? logger = null)
        : this(new VodPullApi(vod), checkpoints, timeProvider, logger)
    {
    }

    /// <summary>
    /// Pulls <paramref name="sourceUrl"/> into VOD in this process: submits it once (a checkpoint keyed by the URL; a second
    /// run with the same URL resumes watching the same job), polls GetURLUploadInfos with back-off, reporting VOD's status
    /// through <see cref="IUploadObserver.OnPullProgress"/>, and returns the media: <see cref="PullWorkflow"/>, the sequence
    /// the Functions app's orchestration runs too (a transient failure of the submit is retried, unanswered polls are asked
    /// again on the back-off, up to <see cref="PullWorkflow.MaxUnansweredPolls"/> in a row). Throws <see cref="UploadException"/>
    /// with <see cref="UploadErrorCodes.PullUploadFailed"/>, <see cref="UploadErrorCodes.PullUrlExpired"/>,
    /// <see cref="UploadErrorCodes.PullAccessDenied"/>, <see cref="UploadErrorCodes.PullTooLarge"/>,
    /// <see cref="UploadErrorCodes.PullTimedOut"/> (the job stays recorded), or the VOD error of a refused call.
    /// A cancelled <paramref name="cancellationToken"/> stops watching and keeps the checkpoint.
    /// </summary>
    /// <param name="sourceUrl">A URL VOD can read (for an Azure blob: a read-only SAS URL). Never logged with its query.</param>
    /// <param name="metadata">The media's fields (title, tags, category, template group, UserData…).</param>
    /// <param name="options">Poll back-off, limits, timeout; defaults when null.</param>
    /// <param name="observer">Hears the job's progress and outcome.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    /// <param name="signUrl">
    /// Makes the URL VOD reads when <paramref name="sourceUrl"/> carries no access of its own (an Azure blob signed for the
    /// caller with a user delegation SAS); called only when a URL must be submitted. Null: <paramref name="sourceUrl"/> is submitted as it is.
    /// </param>
    public async Task<PullResult> PullAsync(Uri sourceUrl, MediaMetadata metadata, PullOptions? options = null, IUploadObserver? observer = null,
        Func<CancellationToken, Task<PullUrl>>? signUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceUrl);
        ArgumentNullException.ThrowIfNull(metadata);
        options ??= new PullOptions();
        observer ??= NullUploadObserver.Instance;
        var key = PullCheckpoint.KeyForUrl(sourceUrl);
        using var span = UploadTelemetry.Source.StartActivity("vod.upload", ActivityKind.Internal);
        span?.SetTag("vod.source", PullUrls.Redact(sourceUrl));
        span?.SetTag("vod.transfer.mode", "pull");
        UploadTelemetry.UploadStarted("Video");
        signUrl ??= _ => Task.FromResult(new PullUrl(sourceUrl, SasExpiry(sourceUrl)));
        var steps = new InProcessPullSteps(this, key, PullUrls.Redact(sourceUrl), metadata, options, observer, signUrl, _services.Time, _services.Logger, cancellationToken);
        var outcome = await PullWorkflow.RunAsync(steps, new PullWorkflowOptions { Polling = options }).ConfigureAwait(false);
        UploadTelemetry.UploadEnded("Video", outcome.Failure?.Code);
        if (outcome.Failure is { } failure)
        {
            UploadTelemetry.Fail(span, failure.Code);
            observer.OnFailed(failure.Code, failure.Message);
            throw failure.ToException();
        }

        var result = outcome.Result!;
        Log.PullCompleted(_services.Logger, result.JobId, result.MediaId, result.Size);
        span?.SetTag("vod.media.id", result.MediaId);
        observer.OnPullSucceeded(result);
        return result;
    }

    /// <summary>
    /// Throws <see cref="UploadException"/> (<see cref="UploadErrorCodes.InvalidRequest"/>) when VOD would refuse these
    /// fields for a pull of <paramref name="sourceUrl"/>. <see cref="SubmitAsync"/> checks it before it records anything;
    /// a host may check it earlier still (the CLI, before it looks at its history).
    /// </summary>
    public static void Validate(Uri sourceUrl, MediaMetadata metadata, PullOptions options)
    {
        ArgumentNullException.ThrowIfNull(sourceUrl);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(options);
        PullSubmitStep.Validate(sourceUrl, metadata, options);
    }

    /// <summary>
    /// Step 1: submits the pull once. <paramref name="signUrl"/> is called only when a URL must be made (first run, or the
    /// recorded one expired before VOD took it), so a SAS is signed in the step that uses it and never travels further.
    /// </summary>
    public Task<PullSubmission> SubmitAsync(string checkpointKey, MediaMetadata metadata, PullOptions options, Func<CancellationToken, Task<PullUrl>> signUrl, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointKey);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(signUrl);
        return TracedAsync("PullSubmit", traceParent, checkpointKey, () => PullSubmitStep.RunAsync(_services, checkpointKey, metadata, options, signUrl, cancellationToken));
    }

    /// <summary>Step 2 (repeated): where the job stands; a failed job comes back as <see cref="PullState.Failure"/>, not thrown.</summary>
    public Task<PullState> PollAsync(string checkpointKey, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointKey);
        return TracedAsync("PullPoll", traceParent, checkpointKey, () => PullPollStep.RunAsync(_services, checkpointKey, cancellationToken));
    }

    /// <summary>Cancels the pull: deletes its media when VOD created one (unless <paramref name="keepMedia"/>), and its checkpoint.</summary>
    public Task<PullCancelResult> CancelAsync(string checkpointKey, bool keepMedia, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointKey);
        return TracedAsync("PullCancel", traceParent, checkpointKey, () => PullCancelStep.RunAsync(_services, checkpointKey, keepMedia, cancellationToken));
    }

    /// <summary>After the pull ended (either way): removes its checkpoint.</summary>
    public Task CleanUpAsync(string checkpointKey, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointKey);
        return TracedAsync("PullCleanUp", traceParent, checkpointKey, async () =>
        {
            await _services.Checkpoints.DeleteAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>Deletes a media a pull created that must not stay (its source changed while VOD pulled it).</summary>
    public Task DeleteMediaAsync(string mediaId, string? traceParent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaId);
        return TracedAsync("PullDeleteMedia", traceParent, checkpointKey: null, async () =>
        {
            await _services.Vod.DeleteVideoAsync(mediaId, cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>The <c>se=</c> (signed expiry) of an Azure SAS URL; null for a URL that is not one.</summary>
    public static DateTimeOffset? SasExpiry(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && pair[..separator] == "se"
                && DateTimeOffset.TryParse(Uri.UnescapeDataString(pair[(separator + 1)..]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var expiry))
            {
                return expiry;
            }
        }

        return null;
    }

    private async Task<T> TracedAsync<T>(string step, string? traceParent, string? checkpointKey, Func<Task<T>> run)
    {
        using var span = UploadTelemetry.StartStep(step, traceParent, checkpointKey, mediaId: null);
        span?.SetTag("vod.transfer.mode", "pull");
        using var scope = _services.Logger.BeginScope(new Dictionary<string, object?> { ["Step"] = step, ["CheckpointKey"] = checkpointKey, ["TransferMode"] = "pull" });
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
