using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Alibaba.VodApi;
using Vod.Emulator;
using Vod.Functions.Uploads;
using Vod.Testing;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Workflow;

namespace Vod.Functions.Tests;

/// <summary>
/// The app's real orchestrator and activities on the Durable Task test host, wired by the app's own AddVodFunctions, against
/// Azurite and the emulator. Every payload that enters the orchestration history is also kept, to be searched.
/// </summary>
public sealed class FunctionsHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private FunctionsHarness(Azurite azurite, EmulatorHost emulator)
    {
        Azurite = azurite;
        Emulator = emulator;
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Vod:AccessKeyId"] = emulator.Options.AccessKeyId,
            ["Vod:AccessKeySecret"] = emulator.Options.AccessKeySecret,
            ["Vod:Endpoint"] = emulator.BaseUri.GetLeftPart(UriPartial.Authority),
            ["Vod:CallbackTimeoutSeconds"] = "5",
            ["Vod:RetryDurationSeconds"] = "0.1",
            ["Vod:MediaTable"] = "Media" + Guid.NewGuid().ToString("N")[..8],
            ["Vod:MediaConfirmIntervalMilliseconds"] = "100",
        };
        _services = new ServiceCollection().AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace))
            .AddVodFunctions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
        Blobs = _services.GetRequiredService<BlobServiceClient>();
        Options = _services.GetRequiredService<IOptions<VodFunctionsOptions>>();
        Vod = _services.GetRequiredService<VodClient>();
        Engine = _services.GetRequiredService<UploadEngine>();
        Jobs = _services.GetRequiredService<UploadJobFactory>();
        Records = _services.GetRequiredService<Records.MediaRecordStore>();
        Confirmations = _services.GetRequiredService<Records.MediaConfirmations>();
        Activities = ActivatorUtilities.CreateInstance<UploadActivities>(_services);
        PullActivities = ActivatorUtilities.CreateInstance<PullActivities>(_services);
        Pull = _services.GetRequiredService<Vod.Upload.Pull.PullUploader>();
    }

    public PullActivities PullActivities { get; }

    public Vod.Upload.Pull.PullUploader Pull { get; }

    /// <summary>Every line the app's services logged (engine, HTTP clients, stores), at every level.</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    public Azurite Azurite { get; }

    public EmulatorHost Emulator { get; }

    public BlobServiceClient Blobs { get; }

    public IOptions<VodFunctionsOptions> Options { get; }

    public VodClient Vod { get; }

    public UploadEngine Engine { get; }

    public UploadJobFactory Jobs { get; }

    public UploadActivities Activities { get; }

    /// <summary>The app's one place that starts uploads.</summary>
    public UploadStarter Starter => _services.GetRequiredService<UploadStarter>();

    /// <summary>The management API as the app builds it.</summary>
    public Api.UploadsApi Api() => ActivatorUtilities.CreateInstance<Api.UploadsApi>(_services);

    public Records.MediaRecordStore Records { get; }

    /// <summary>The app's confirmations: callbacks and reconciliation ask VOD through it.</summary>
    public Records.MediaConfirmations Confirmations { get; }

    public DurableTaskTestHost Host { get; private set; } = null!;

    /// <summary>Every activity input and output, serialized as the history stores them.</summary>
    public ConcurrentQueue<string> Payloads { get; } = new();

    /// <summary>
    /// Called before an activity runs with its name and input; a test can hold it there, or answer a failure instead
    /// of running it (what the activity would answer had its step failed that way).
    /// </summary>
    public Func<string, object?, UploadFailure?>? BeforeActivity { get; set; }

    public static async Task<FunctionsHarness> StartAsync()
    {
        var azurite = await Azurite.StartAsync();
        var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0", TranscodeDelay = TimeSpan.FromMilliseconds(100) });
        var harness = new FunctionsHarness(azurite, emulator);
        // A free port found by probing can be taken by a parallel test process before it is bound: try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                harness.Host = await DurableTaskTestHost.StartAsync(harness.Register, QuietHost(Azurite.FreePort()));
                return harness;
            }
            catch (IOException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>Test host options that keep the sidecar's per-request gRPC logs out of the test output.</summary>
    public static DurableTaskTestHostOptions QuietHost(int? port = null)
    {
        // The sidecar is an ASP.NET Core host with default logging, configured from the environment.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        return new() { Port = port, LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance };
    }

    private void Register(DurableTaskRegistry tasks)
    {
        tasks.AddOrchestratorFunc<UploadJob, UploadOutcome>(nameof(UploadOrchestration.UploadOrchestrator), (context, job) => UploadOrchestration.RunAsync(context, job!));
        tasks.AddOrchestratorFunc<PartRangeJob, PartRangeResult>(nameof(UploadOrchestration.PartRangeOrchestrator), (context, job) => UploadOrchestration.RunRangeAsync(context, job!));
        Activity<UploadJob, UploadPlan>(tasks, nameof(UploadActivities.PlanUpload), Activities.PlanUpload);
        Activity<CreateJob, UploadSession>(tasks, nameof(UploadActivities.CreateOrRefreshMedia), Activities.CreateOrRefreshMedia);
        Activity<RecordMediaJob, bool>(tasks, nameof(UploadActivities.RecordMedia), Activities.RecordMedia);
        Activity<SessionJob, MultipartState>(tasks, nameof(UploadActivities.InitiateOrResumeUpload), Activities.InitiateOrResumeUpload);
        Activity<PartBatchJob, PartBatchResult>(tasks, nameof(UploadActivities.UploadPartBatch), Activities.UploadPartBatch);
        Activity<SessionJob, UploadResult>(tasks, nameof(UploadActivities.CompleteUpload), Activities.CompleteUpload);
        Activity<UploadSession, bool>(tasks, nameof(UploadActivities.CleanUpUpload), Activities.CleanUpUpload);
        Activity<UploadResult, string>(tasks, nameof(UploadActivities.ConfirmMediaStatus), Activities.ConfirmMediaStatus);
        Activity<UploadJob, Vod.Upload.Pull.PullSubmission>(tasks, nameof(PullActivities.SubmitPull), PullActivities.SubmitPull);
        Activity<UploadJob, Vod.Upload.Pull.PullState>(tasks, nameof(PullActivities.PollPull), PullActivities.PollPull);
        Activity<PullCheckJob, bool>(tasks, nameof(PullActivities.CheckPulledSource), PullActivities.CheckPulledSource);
        Activity<PullCleanUpJob, bool>(tasks, nameof(PullActivities.CleanUpPull), PullActivities.CleanUpPull);
    }

    private void Activity<TIn, TValue>(DurableTaskRegistry tasks, string name, Func<TIn, Task<StepResult<TValue>>> run) =>
        tasks.AddActivityFunc<TIn, StepResult<TValue>>(name, async (_, input) =>
        {
            Payloads.Enqueue(JsonSerializer.Serialize(input));
            var output = BeforeActivity?.Invoke(name, input) is { } failure ? StepResult.Failed<TValue>(failure) : await run(input!);
            Payloads.Enqueue(JsonSerializer.Serialize(output));
            return output;
        });

    public async Task<UploadJob> PutBlobAsync(byte[] data, string name, IDictionary<string, string>? metadata = null)
    {
        var (job, refusal) = await TryPutBlobAsync(data, name, metadata);
        Assert.Null(refusal);
        return job!;
    }

    public async Task<(UploadJob? Job, Refusal? Refusal)> TryPutBlobAsync(byte[] data, string name, IDictionary<string, string>? metadata = null, UploadOptions? options = null)
    {
        var container = Blobs.GetBlobContainerClient(Options.Value.IncomingContainer);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(data), new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = metadata });
        return await Jobs.ForBlobAsync(container.Name, name, null, options, CancellationToken.None);
    }

    public static byte[] Data(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Emulator.DisposeAsync();
        await Azurite.DisposeAsync();
        await _services.DisposeAsync();
    }
}
