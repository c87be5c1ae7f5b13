using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Protobuf;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vod.Functions.Uploads;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Workflow;

namespace Vod.Functions.Tests;

/// <summary>
/// Replay safety, on the runner Azure Functions itself uses for isolated orchestrators
/// (<see cref="GrpcOrchestrationRunner"/>): the upload is driven episode by episode, each episode replaying the whole
/// history so far, against the real activities, Azurite and the emulator; then every finished instance's history is
/// replayed once more and must produce no new action.
/// </summary>
public sealed class ReplayTests : IAsyncLifetime
{
    private static readonly JsonDataConverter Json = JsonDataConverter.Default;
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_finished_uploads_history_replays_through_the_orchestrator_without_new_actions()
    {
        // Arrange: 7 parts of 512 KiB in batches of 2 (a sub-orchestration), the first batch failing once (a retry
        // timer), VOD's event delivered while the orchestration waits for it.
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(7 * 512 * 1024 - 5, 21), "replay.mp4");
        job = job with { Options = new UploadOptions { PartSize = 512 * 1024, Parallel = 2, RetryCount = 2, RetryDuration = TimeSpan.FromMilliseconds(100) }, CallbackTimeoutSeconds = 60 };
        var failedOnce = false;
        var activities = new Dictionary<string, Func<string?, Task<object?>>>
        {
            [nameof(UploadActivities.PlanUpload)] = async input => await _harness.Activities.PlanUpload(Json.Deserialize<UploadJob>(input)!),
            [nameof(UploadActivities.CreateOrRefreshMedia)] = async input => await _harness.Activities.CreateOrRefreshMedia(Json.Deserialize<CreateJob>(input)!),
            [nameof(UploadActivities.RecordMedia)] = async input => await _harness.Activities.RecordMedia(Json.Deserialize<RecordMediaJob>(input)!),
            [nameof(UploadActivities.InitiateOrResumeUpload)] = async input => await _harness.Activities.InitiateOrResumeUpload(Json.Deserialize<SessionJob>(input)!),
            [nameof(UploadActivities.UploadPartBatch)] = async input =>
            {
                if (!failedOnce)
                {
                    failedOnce = true;
                    return StepResult.Failed<PartBatchResult>(new UploadFailure("WorkerLost", UploadErrorKind.Retryable, "the worker went away"));
                }

                return await _harness.Activities.UploadPartBatch(Json.Deserialize<PartBatchJob>(input)!);
            },
            [nameof(UploadActivities.CompleteUpload)] = async input => await _harness.Activities.CompleteUpload(Json.Deserialize<SessionJob>(input)!),
            [nameof(UploadActivities.CleanUpUpload)] = async input => await _harness.Activities.CleanUpUpload(Json.Deserialize<UploadSession>(input)!),
        };
        using var orchestratorLogs = new Testing.RecordingLoggerProvider();
        using var logging = OrchestratorLogging(orchestratorLogs);
        var driver = new EpisodeDriver(Orchestrators(logging), activities);

        // Act
        var completed = await driver.RunAsync(job.UploadId, nameof(UploadOrchestration.UploadOrchestrator), Json.Serialize(job)!);
        var replays = driver.Histories.ToDictionary(h => h.Key, h => driver.Replay(h.Key));

        // Assert: the run completed for real (the object is in the emulator) through retries, a sub-orchestration and
        // the event; no secret is anywhere in the histories or custom statuses; replaying each finished history
        // schedules nothing and ends exactly as the run did.
        Assert.True(OrchestrationStatus.Completed == completed.OrchestrationStatus, completed.FailureDetails?.ErrorMessage);
        var outcome = Json.Deserialize<UploadOutcome>(completed.Result)!;
        Assert.Equal("UploadSucc", outcome.VodStatus);
        Assert.Equal(7 * 512 * 1024 - 5, Assert.Single(_harness.Emulator.State.Objects.Values).Size);
        Assert.True(failedOnce);
        Assert.Equal(3, driver.Histories.Count); // the upload, and two runs of its part range: the retryable failure ran the parts step again
        Assert.Contains(driver.Histories[job.UploadId], e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.EventRaised);
        Assert.Contains(driver.Histories.SelectMany(h => h.Value), e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.TimerFired);
        Assert.True(driver.Episodes > 10, $"{driver.Episodes} episodes");

        // One line per phase change and one success line, although every episode (and the final replays) ran the
        // orchestrator from the start: the replay-safe logger drops what replays repeat.
        var phases = orchestratorLogs.Lines.Where(l => l.Contains("[2502]", StringComparison.Ordinal)).Select(l => l.Split(": ")[1].Split(" UploadId=")[0]).ToList();
        Assert.Equal(["planning → creating", "creating → uploading", "uploading → completing", "completing → waiting-for-vod", "waiting-for-vod → succeeded"], phases);
        Assert.Single(orchestratorLogs.Lines, l => l.Contains("[2501]", StringComparison.Ordinal));
        var stored = string.Join('\n', driver.Histories.SelectMany(h => h.Value).Select(e => e.ToString()).Concat(driver.CustomStatuses));
        Assert.Contains(job.UploadId, stored, StringComparison.Ordinal);
        Assert.Contains("bytesUploaded", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_harness.Emulator.Options.AccessKeySecret, stored, StringComparison.Ordinal);
        Assert.NotEmpty(_harness.Emulator.Credentials.Issued);
        Assert.All(_harness.Emulator.Credentials.Issued, credential =>
        {
            Assert.DoesNotContain(credential.AccessKeySecret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(credential.SecurityToken, stored, StringComparison.Ordinal);
        });
        foreach (var (instance, replay) in replays)
        {
            var action = Assert.Single(replay.Actions);
            Assert.Equal(OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration, action.OrchestratorActionTypeCase);
            Assert.Equal(OrchestrationStatus.Completed, action.CompleteOrchestration.OrchestrationStatus);
            Assert.Equal(driver.Results[instance], action.CompleteOrchestration.Result);
        }
    }

    [Fact]
    public async Task A_finished_pull_uploads_history_replays_without_new_actions_and_holds_no_sas()
    {
        // Arrange: a pull whose job VOD runs in the background while the orchestration polls on its timers.
        _harness.Options.Value.PullFirstPollSeconds = 1;
        _harness.Options.Value.PullMaxPollSeconds = 1;
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(300_000, 22), "replay-pull.mp4", new Dictionary<string, string> { ["transfermode"] = "pull" });
        var activities = new Dictionary<string, Func<string?, Task<object?>>>
        {
            [nameof(PullActivities.SubmitPull)] = async input => await _harness.PullActivities.SubmitPull(Json.Deserialize<UploadJob>(input)!),
            [nameof(PullActivities.PollPull)] = async input =>
            {
                await Task.Delay(20); // the driver fires timers at once: give VOD's background job time to move
                return await _harness.PullActivities.PollPull(Json.Deserialize<UploadJob>(input)!);
            },
            [nameof(PullActivities.CheckPulledSource)] = async input => await _harness.PullActivities.CheckPulledSource(Json.Deserialize<PullCheckJob>(input)!),
            [nameof(PullActivities.CleanUpPull)] = async input => await _harness.PullActivities.CleanUpPull(Json.Deserialize<PullCleanUpJob>(input)!),
            [nameof(UploadActivities.RecordMedia)] = async input => await _harness.Activities.RecordMedia(Json.Deserialize<RecordMediaJob>(input)!),
            [nameof(UploadActivities.ConfirmMediaStatus)] = async input => await _harness.Activities.ConfirmMediaStatus(Json.Deserialize<UploadResult>(input)!),
        };
        using var orchestratorLogs = new Testing.RecordingLoggerProvider();
        using var logging = OrchestratorLogging(orchestratorLogs);
        var driver = new EpisodeDriver(Orchestrators(logging), activities);

        // Act
        var completed = await driver.RunAsync(job.UploadId, nameof(UploadOrchestration.UploadOrchestrator), Json.Serialize(job)!);
        var replay = driver.Replay(job.UploadId);

        // Assert
        Assert.True(OrchestrationStatus.Completed == completed.OrchestrationStatus, completed.FailureDetails?.ErrorMessage);
        Assert.Equal(300_000, Json.Deserialize<UploadOutcome>(completed.Result)!.Size);
        Assert.Single(_harness.Emulator.State.UrlJobs);
        var phases = orchestratorLogs.Lines.Where(l => l.Contains("[2502]", StringComparison.Ordinal)).Select(l => l.Split(": ")[1].Split(" UploadId=")[0]).ToList();
        Assert.Equal(["submitting → pulling", "pulling → checking", "checking → succeeded"], phases);
        Assert.Single(orchestratorLogs.Lines, l => l.Contains("[2602]", StringComparison.Ordinal));
        Assert.Single(orchestratorLogs.Lines, l => l.Contains("[2603]", StringComparison.Ordinal));
        var stored = string.Join('\n', driver.Histories.SelectMany(h => h.Value).Select(e => e.ToString()).Concat(driver.CustomStatuses));
        Assert.Contains("pullJobId", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sig=", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sig%3D", stored, StringComparison.OrdinalIgnoreCase);
        var action = Assert.Single(replay.Actions);
        Assert.Equal(OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration, action.OrchestratorActionTypeCase);
        Assert.Equal(driver.Results[job.UploadId], action.CompleteOrchestration.Result);
    }

    // The orchestrators log through the runner's logger factory, as under the host: every line lands in `logs`.
    private static ServiceProvider OrchestratorLogging(Testing.RecordingLoggerProvider logs) =>
        new ServiceCollection().AddLogging(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)).BuildServiceProvider();

    // The app's orchestrators as the Functions worker runs them (the gRPC runner), by name.
    private static Dictionary<string, Func<string, string>> Orchestrators(ServiceProvider logging) => new()
    {
        [nameof(UploadOrchestration.UploadOrchestrator)] = request => GrpcOrchestrationRunner.LoadAndRun<UploadJob, UploadOutcome>(
            request, async (context, input) => (UploadOutcome?)await UploadOrchestration.RunAsync(context, input!), logging),
        [nameof(UploadOrchestration.PartRangeOrchestrator)] = request => GrpcOrchestrationRunner.LoadAndRun<PartRangeJob, PartRangeResult>(
            request, async (context, input) => (PartRangeResult?)await UploadOrchestration.RunRangeAsync(context, input!), logging),
    };

    /// <summary>
    /// A minimal orchestration backend: it keeps each instance's history, hands the runner the past and one new event
    /// per episode, runs what the runner schedules (activities at once, sub-orchestrations to completion, short timers
    /// fired, the long timer of the callback wait answered by VOD's event), and records the outcome.
    /// </summary>
    private sealed class EpisodeDriver(Dictionary<string, Func<string, string>> orchestrators, Dictionary<string, Func<string?, Task<object?>>> activities)
    {
        private DateTime _now = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

        public Dictionary<string, List<HistoryEvent>> Histories { get; } = [];

        public Dictionary<string, string> Names { get; } = [];

        public Dictionary<string, string> Results { get; } = [];

        public int Episodes { get; private set; }

        /// <summary>Every custom status an episode set.</summary>
        public List<string> CustomStatuses { get; } = [];

        public async Task<CompleteOrchestrationAction> RunAsync(string instanceId, string name, string input)
        {
            var history = Histories[instanceId] = [];
            Names[instanceId] = name;
            var pending = new Queue<HistoryEvent>();
            pending.Enqueue(Event(-1, e => e.ExecutionStarted = new ExecutionStartedEvent
            {
                Name = name,
                Input = input,
                OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = "1" },
            }));
            while (pending.TryDequeue(out var next))
            {
                _now = _now.AddSeconds(1);
                var fresh = new[] { Event(-1, e => e.OrchestratorStarted = new OrchestratorStartedEvent()), next };
                var response = Run(instanceId, history, fresh);
                Episodes++;
                CustomStatuses.Add(response.CustomStatus ?? string.Empty);
                history.AddRange(fresh);
                foreach (var action in response.Actions)
                {
                    switch (action.OrchestratorActionTypeCase)
                    {
                        case OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask:
                            history.Add(Event(action.Id, e => e.TaskScheduled = new TaskScheduledEvent { Name = action.ScheduleTask.Name, Input = action.ScheduleTask.Input }));
                            pending.Enqueue(await RunActivityAsync(action.Id, action.ScheduleTask));
                            break;
                        case OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration:
                            var sub = action.CreateSubOrchestration;
                            history.Add(Event(action.Id, e => e.SubOrchestrationInstanceCreated = new SubOrchestrationInstanceCreatedEvent { InstanceId = sub.InstanceId, Name = sub.Name, Input = sub.Input }));
                            var done = await RunAsync(sub.InstanceId, sub.Name, sub.Input);
                            pending.Enqueue(done.OrchestrationStatus == OrchestrationStatus.Completed
                                ? Event(-1, e => e.SubOrchestrationInstanceCompleted = new SubOrchestrationInstanceCompletedEvent { TaskScheduledId = action.Id, Result = done.Result })
                                : Event(-1, e => e.SubOrchestrationInstanceFailed = new SubOrchestrationInstanceFailedEvent { TaskScheduledId = action.Id, FailureDetails = done.FailureDetails }));
                            break;
                        case OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer:
                            var fireAt = action.CreateTimer.FireAt;
                            history.Add(Event(action.Id, e => e.TimerCreated = new TimerCreatedEvent { FireAt = fireAt }));
                            pending.Enqueue(fireAt.ToDateTime() - _now > TimeSpan.FromSeconds(10)
                                ? Event(-1, e => e.EventRaised = new EventRaisedEvent { Name = UploadOrchestration.VodEventName, Input = Json.Serialize("UploadSucc") })
                                : Event(-1, e => e.TimerFired = new TimerFiredEvent { TimerId = action.Id, FireAt = fireAt }));
                            break;
                        case OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration:
                            var complete = action.CompleteOrchestration;
                            history.Add(Event(-1, e => e.ExecutionCompleted = new ExecutionCompletedEvent { OrchestrationStatus = complete.OrchestrationStatus, Result = complete.Result, FailureDetails = complete.FailureDetails }));
                            Results[instanceId] = complete.Result;
                            return complete;
                        default:
                            throw new InvalidOperationException($"Unexpected action {action.OrchestratorActionTypeCase}.");
                    }
                }
            }

            throw new InvalidOperationException($"{instanceId} stopped with nothing left to deliver.");
        }

        /// <summary>The finished history replayed in one episode, as a restarted worker would.</summary>
        public OrchestratorResponse Replay(string instanceId) =>
            Run(instanceId, Histories[instanceId].Where(e => e.EventTypeCase != HistoryEvent.EventTypeOneofCase.ExecutionCompleted), []);

        private OrchestratorResponse Run(string instanceId, IEnumerable<HistoryEvent> past, IEnumerable<HistoryEvent> fresh)
        {
            var request = new OrchestratorRequest { InstanceId = instanceId, PastEvents = { past }, NewEvents = { fresh } };
            var encoded = orchestrators[Names[instanceId]](Convert.ToBase64String(request.ToByteArray()));
            return OrchestratorResponse.Parser.ParseFrom(Convert.FromBase64String(encoded));
        }

        // Activities answer failures as data, so every activity completes; its result says whether the step failed.
        private async Task<HistoryEvent> RunActivityAsync(int id, ScheduleTaskAction task)
        {
            // The runner sends an activity's input as a one-element array, as the Functions host expects it.
            using var wrapped = System.Text.Json.JsonDocument.Parse(task.Input);
            var output = await activities[task.Name](wrapped.RootElement[0].GetRawText());
            return Event(-1, e => e.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = id, Result = Json.Serialize(output) });
        }

        private HistoryEvent Event(int eventId, Action<HistoryEvent> set)
        {
            var e = new HistoryEvent { EventId = eventId, Timestamp = Timestamp.FromDateTime(_now) };
            set(e);
            return e;
        }
    }
}
