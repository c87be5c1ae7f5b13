using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Vod.Functions.Uploads;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Sources;
using Vod.Upload.Workflow;
using Xunit.Abstractions;

namespace Vod.Functions.Tests;

/// <summary>
/// The history-size bound, measured on a 10,000-part plan: the real orchestrators run on the Durable Task engine (the
/// activities answer at once, since only the orchestration's shape matters here), and every durable action each
/// instance schedules is counted. An instance's history holds at most 4 events per action plus 4
/// (each action: scheduled and completed, and at most one episode start/end pair; plus the instance's start/end).
/// </summary>
public sealed class HistorySizeTests(ITestOutputHelper output)
{
    private const int Parts = 10_000;

    [Fact]
    public async Task A_10000_part_upload_keeps_every_instance_under_300_history_events()
    {
        // Arrange
        var actions = new ConcurrentDictionary<string, int>();
        var partsUploaded = 0;
        var plan = new UploadPlan("k", SourceReference.FromBlob("in", "big.mp4", "\"0x1\""), new SourceIdentity(SourceKind.AzureBlob, "in/big.mp4", "\"0x1\"", Parts * 102400L),
            MediaKind.Video, new PartPlan(Parts * 102400L, 102400, Parts, SinglePut: false));
        var session = new UploadSession(plan, "v", Resumed: false);
        await using var host = await DurableTaskTestHost.StartAsync(tasks =>
        {
            tasks.AddOrchestratorFunc<UploadJob, UploadOutcome>(nameof(UploadOrchestration.UploadOrchestrator), (context, job) => UploadOrchestration.RunAsync(new CountingOrchestrationContext(context, actions), job!));
            tasks.AddOrchestratorFunc<PartRangeJob, PartRangeResult>(nameof(UploadOrchestration.PartRangeOrchestrator), (context, job) => UploadOrchestration.RunRangeAsync(new CountingOrchestrationContext(context, actions), job!));
            tasks.AddActivityFunc<UploadJob, StepResult<UploadPlan>>(nameof(UploadActivities.PlanUpload), (_, _) => StepResult.Ok(plan));
            tasks.AddActivityFunc<CreateJob, StepResult<UploadSession>>(nameof(UploadActivities.CreateOrRefreshMedia), (_, _) => StepResult.Ok(session));
            tasks.AddActivityFunc<RecordMediaJob, StepResult<bool>>(nameof(UploadActivities.RecordMedia), (_, _) => StepResult.Ok(true));
            tasks.AddActivityFunc<SessionJob, StepResult<MultipartState>>(nameof(UploadActivities.InitiateOrResumeUpload), (_, _) => StepResult.Ok(new MultipartState(false, 0, 0)));
            tasks.AddActivityFunc<PartBatchJob, StepResult<PartBatchResult>>(nameof(UploadActivities.UploadPartBatch), (_, batch) =>
            {
                var count = batch!.LastPart - batch.FirstPart + 1;
                Interlocked.Add(ref partsUploaded, count);
                return StepResult.Ok(new PartBatchResult(count, 0, count * 102400L, 0, 0));
            });
            tasks.AddActivityFunc<SessionJob, StepResult<UploadResult>>(nameof(UploadActivities.CompleteUpload), (_, _) => StepResult.Ok(new UploadResult("v", MediaKind.Video, Parts * 102400L, 1, "\"E-10000\"", "k", null, null)));
            tasks.AddActivityFunc<UploadSession, StepResult<bool>>(nameof(UploadActivities.CleanUpUpload), (_, _) => StepResult.Ok(true));
            tasks.AddActivityFunc<UploadResult, StepResult<string>>(nameof(UploadActivities.ConfirmMediaStatus), (_, _) => StepResult.Ok("Normal"));
        }, FunctionsHarness.QuietHost());
        var job = new UploadJob("upl-history", plan.Source, new MediaMetadata(), new UploadOptions { Parallel = 5 }, CallbackTimeoutSeconds: 1);

        // Act
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var done = await host.Client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);

        // Assert
        Assert.True(OrchestrationRuntimeStatus.Completed == done.RuntimeStatus, done.FailureDetails?.ToString() + done.SerializedCustomStatus);
        Assert.Equal(Parts, partsUploaded);
        foreach (var (instance, count) in actions.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"REPORT history bound: {instance}: {count} actions, at most {4 * count + 4} history events");
            Assert.True(4 * count + 4 <= 300, $"{instance} schedules {count} actions");
        }

        output.WriteLine($"REPORT history bound: {Parts} parts in {actions.Count} instances, {actions.Values.Sum()} actions in all");
        Assert.Equal(1 + (Parts / 50 + UploadOrchestration.BatchesPerRange - 1) / UploadOrchestration.BatchesPerRange, actions.Count);
    }
}
