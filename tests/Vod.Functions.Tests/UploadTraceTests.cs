using System.Diagnostics;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Vod.Functions.Hosting;
using Vod.Functions.Uploads;
using Vod.Upload;

namespace Vod.Functions.Tests;

/// <summary>
/// One upload is one trace, through the app's own OpenTelemetry wiring (<see cref="TelemetrySetup"/>) and an in-memory
/// exporter: the starter's root span under the request that started it, every step the activities ran under that root
/// (wherever they ran), every VOD and OSS call under its step, and no secret in any attribute.
/// </summary>
public sealed class UploadTraceTests : IAsyncLifetime
{
    private static readonly ActivitySource Requests = new("Test.Requests");
    private readonly List<Activity> _exported = [];
    private FunctionsHarness _harness = null!;
    private ServiceProvider _telemetry = null!;

    public async Task InitializeAsync()
    {
        _harness = await FunctionsHarness.StartAsync();
        var services = new ServiceCollection();
        services.AddVodTelemetry(new ConfigurationBuilder().Build(), always: true)!
            .WithTracing(tracing => tracing.AddSource(Requests.Name).AddInMemoryExporter(_exported));
        _telemetry = services.BuildServiceProvider();
        _ = _telemetry.GetRequiredService<TracerProvider>();
    }

    public async Task DisposeAsync()
    {
        await _telemetry.DisposeAsync();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task The_request_the_starter_the_steps_and_the_calls_of_one_upload_form_one_trace()
    {
        // Arrange: a blob of three parts, started the way the API starts it, inside a request's span.
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(3 * 512 * 1024, 31), "traced.mp4");
        job = job with { Options = new UploadOptions { PartSize = 512 * 1024, Parallel = 2 }, CallbackTimeoutSeconds = 30 };
        var client = _harness.Host.Client;

        // Act
        ActivityTraceId requestTrace;
        using (var request = Requests.StartActivity("POST /api/uploads", ActivityKind.Server))
        {
            requestTrace = request!.TraceId;
            Assert.True(await _harness.Starter.StartAsync(client, job, CancellationToken.None));
        }

        await WaitForPhaseAsync(client, job.UploadId, "waiting-for-vod");
        await client.RaiseEventAsync(job.UploadId, UploadOrchestration.VodEventName, "UploadSucc");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);
        _telemetry.GetRequiredService<TracerProvider>().ForceFlush();

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var spans = _exported.ToList();
        var root = Assert.Single(spans, s => s.DisplayName == "vod.upload" && (string?)s.GetTagItem("vod.upload.id") == job.UploadId);
        Assert.Equal(requestTrace, root.TraceId); // under the request that started it
        var steps = spans.Where(s => s.DisplayName.StartsWith("vod.step ", StringComparison.Ordinal) && s.TraceId == root.TraceId).ToList();
        Assert.Equal(["vod.step Plan", "vod.step CreateOrRefresh", "vod.step InitiateOrResume", "vod.step UploadParts", "vod.step Complete", "vod.step CleanUp"],
            steps.Where(s => s.DisplayName != "vod.step UploadParts" || s.GetTagItem("vod.parts.first") is 1).OrderBy(s => s.StartTimeUtc).Select(s => s.DisplayName));
        Assert.All(steps, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.All(steps, s => Assert.Equal(job.UploadId, s.GetTagItem("vod.upload.id")));
        // The engine's log lines carry the upload, the media and the part range in their scope.
        Assert.Contains(_harness.Logs.Lines, line => line.Contains("scope: Step=UploadParts UploadId=" + job.UploadId, StringComparison.Ordinal)
            && line.Contains("FirstPart=1", StringComparison.Ordinal) && line.Contains("MediaId=", StringComparison.Ordinal) && !line.Contains("MediaId= ", StringComparison.Ordinal));
        var calls = spans.Where(s => s.TraceId == root.TraceId && s.Kind == ActivityKind.Client).ToList();
        Assert.Equal(3, calls.Count(c => c.DisplayName == "OSS UploadPart"));
        Assert.Contains(calls, c => c.DisplayName == "VOD CreateUploadVideo");
        Assert.Contains(calls, c => c.DisplayName == "OSS CompleteMultipartUpload");
        Assert.All(calls, c => Assert.Contains(steps, s => s.SpanId == c.ParentSpanId));
        var values = spans.Where(s => s.TraceId == root.TraceId).SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty);
        Assert.All(values, v =>
        {
            Assert.DoesNotContain(_harness.Emulator.Options.AccessKeySecret, v, StringComparison.Ordinal);
            Assert.DoesNotContain("sig=", v, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Signature", v, StringComparison.OrdinalIgnoreCase);
        });
    }

    private static async Task WaitForPhaseAsync(DurableTaskClient client, string id, string phase)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (instance?.SerializedCustomStatus is { } status && JsonDocument.Parse(status).RootElement.GetProperty("Phase").GetString() == phase)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"phase {phase} not reached");
    }
}
