using Microsoft.Extensions.Logging;
using Vod.Upload.Engine;
using Vod.Upload.Workflow;

namespace Vod.Upload.Pull;

/// <summary>
/// The pull workflow's steps run in this process (the CLI's <c>vod pull</c>): VOD's status goes to the observer, waits
/// are the clock's, and the pulled size is checked against <see cref="PullOptions.ExpectedBytes"/> when the caller knows it.
/// </summary>
internal sealed class InProcessPullSteps : IPullSteps
{
    private readonly PullUploader _uploader;
    private readonly string _key;
    private readonly string _source;
    private readonly MediaMetadata _metadata;
    private readonly PullOptions _options;
    private readonly IUploadObserver _observer;
    private readonly Func<CancellationToken, Task<PullUrl>> _signUrl;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellationToken;
    private Exception? _signerFault;

    public InProcessPullSteps(PullUploader uploader, string key, string source, MediaMetadata metadata, PullOptions options, IUploadObserver observer,
        Func<CancellationToken, Task<PullUrl>> signUrl, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        (_uploader, _key, _source, _metadata, _options, _observer, _time, _logger, _cancellationToken) = (uploader, key, source, metadata, options, observer, time, logger, cancellationToken);

        // The caller's own signer (an Entra ID sign-in, a storage call) fails in ways only the caller can explain, so its
        // exceptions reach the caller as they are instead of becoming a step failure.
        _signUrl = async token =>
        {
            try
            {
                return await signUrl(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not UploadException and not OperationCanceledException)
            {
                _signerFault = ex;
                throw;
            }
        };
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public Task<StepResult<PullSubmission>> SubmitAsync() =>
        RunAsync(() => _uploader.SubmitAsync(_key, _metadata, _options, _signUrl, traceParent: null, _cancellationToken));

    public Task<StepResult<PullState>> PollAsync() => RunAsync(() => _uploader.PollAsync(_key, traceParent: null, _cancellationToken));

    public Task<StepResult<bool>> CheckAsync(PullState completed) => RunAsync(async () =>
    {
        if (_options.ExpectedBytes is { } expected && completed.Bytes is { } reported && expected != reported)
        {
            // VOD fetched something else than the source the caller knows: the media must not stay.
            await _uploader.DeleteMediaAsync(completed.MediaId!, traceParent: null, CancellationToken.None).ConfigureAwait(false);
            throw new UploadException(UploadErrorCodes.SourceChanged, $"VOD pulled {reported} bytes; the source has {expected}. The media was deleted.", UploadErrorKind.Fatal);
        }

        return true;
    });

    // Not cancellable: once the pull has ended, what it leaves is cleared even when the caller stops watching.
    public Task<StepResult<bool>> CleanUpAsync(string? failedMediaId) => RunAsync(async () =>
    {
        if (failedMediaId is not null)
        {
            await _uploader.DeleteMediaAsync(failedMediaId, traceParent: null, CancellationToken.None).ConfigureAwait(false);
        }

        await _uploader.CleanUpAsync(_key, traceParent: null, CancellationToken.None).ConfigureAwait(false);
        return true;
    });

    // Nothing to record here: the checkpoint already names the media (the poll step wrote it).
    public Task<StepResult<bool>> MediaNamedAsync(string mediaId) => Task.FromResult(StepResult.Ok(true));

    public Task WaitForJobAsync(TimeSpan delay) => Task.Delay(delay, _time, _cancellationToken);

    public Task DelayAsync(TimeSpan delay) => Task.Delay(delay, _time, _cancellationToken);

    public void OnSubmitted(PullSubmission submission) =>
        _observer.OnPullProgress(new PullProgress(submission.JobId, submission.MediaId, submission.Resumed ? "RESUMED" : "PENDING", null));

    public void OnPolled(PullState state, int polls) =>
        _observer.OnPullProgress(new PullProgress(state.JobId, state.MediaId, state.VodStatus, state.Bytes));

    public void OnDecision(PullPhase phase, UploadFailure? failure, PullDecision decision)
    {
        if (failure is null || (decision.Next == PullPhase.Failed && phase != PullPhase.CleanUp))
        {
            return;
        }

        UploadEvents.StepFailed(_logger, phase, _source, failure, decision.Next);
        if (decision.Next == phase)
        {
            Telemetry.UploadTelemetry.Retries.Add(1, new("error.type", failure.Code), new("vod.retry.scope", "step"));
            _observer.OnStepRetried("Pull" + phase, failure.Code, decision.Delay);
        }
    }

    private async Task<StepResult<T>> RunAsync<T>(Func<Task<T>> step)
    {
        try
        {
            return StepResult.Ok(await step().ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            // Stopped watching: the checkpoint stays, so the same command watches the same job again.
            throw;
        }
        catch (Exception ex) when (ReferenceEquals(ex, _signerFault))
        {
            throw;
        }
        catch (Exception ex)
        {
            return StepResult.Failed<T>(PullFailures.FromStep(ex));
        }
    }
}
