using Microsoft.Extensions.Logging;
using Vod.Upload.Workflow;

namespace Vod.Upload.Engine;

/// <summary>The workflow's steps run in this process, one after another, with every part of the plan in one batch.</summary>
/// <remarks>Once planned, the run holds the checkpoint's lock until it is disposed, so a second run of the same source waits for none of it: it is refused.</remarks>
internal sealed class InProcessUploadSteps(UploadEngine engine, UploadRequest request, IUploadObserver observer, TimeProvider time, ILogger logger, CancellationToken cancellationToken) : IUploadSteps, IAsyncDisposable
{
    private IAsyncDisposable? _lock;

    public Task<StepResult<UploadPlan>> PlanAsync() => RunAsync(async () =>
    {
        var plan = await engine.PlanAsync(request, cancellationToken).ConfigureAwait(false);
        _lock ??= await engine.Checkpoints.LockAsync(plan.CheckpointKey, cancellationToken).ConfigureAwait(false);
        return plan;
    });

    public Task<StepResult<UploadSession>> CreateOrRefreshAsync(UploadPlan plan) =>
        RunAsync(() => engine.CreateOrRefreshAsync(plan, request.Metadata, request.Options, observer, cancellationToken));

    public async Task<StepResult<MultipartState>> InitiateOrResumeAsync(UploadSession session)
    {
        var state = await RunAsync(() => engine.InitiateOrResumeAsync(session, request.Options, cancellationToken)).ConfigureAwait(false);
        if (state.Value is { PartsDone: > 0, ObjectComplete: false } resumed)
        {
            observer.OnPartsReused(resumed.PartsDone, session.Plan.Parts.PartCount, resumed.BytesDone);
        }

        return state;
    }

    public Task<StepResult<PartBatchResult>> UploadPartsAsync(UploadSession session) =>
        RunAsync(() => engine.UploadPartsAsync(session, 1, session.Plan.Parts.PartCount, request.Options, observer, cancellationToken));

    public Task<StepResult<UploadResult>> CompleteAsync(UploadSession session)
    {
        observer.OnCompleting();
        return RunAsync(() => engine.CompleteAsync(session, request.Options, cancellationToken));
    }

    public Task<StepResult<bool>> CleanUpAsync(UploadSession session) => RunAsync(async () =>
    {
        await engine.CleanUpAsync(session, cancellationToken).ConfigureAwait(false);
        return true;
    });

    public Task DelayAsync(TimeSpan delay) => Task.Delay(delay, time, cancellationToken);

    public void OnDecision(UploadPhase phase, UploadFailure? failure, WorkflowDecision decision)
    {
        if (failure is not null && decision.Next != UploadPhase.Failed)
        {
            UploadEvents.StepFailed(logger, phase, request.Source.Location, failure, decision.Next);
            Telemetry.UploadTelemetry.Retries.Add(1, new("error.type", failure.Code), new("vod.retry.scope", "step"));
            observer.OnStepRetried(phase.ToString(), failure.Code, decision.Delay);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_lock is not null)
        {
            await _lock.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<StepResult<T>> RunAsync<T>(Func<Task<T>> step)
    {
        try
        {
            return StepResult.Ok(await step().ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return StepResult.Failed<T>(StepFailures.From(ex));
        }
    }
}
