using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Vod.Alibaba.Telemetry;
using Vod.Upload.Engine;
using Vod.Upload.Sources;
using Vod.Upload.Telemetry;

namespace Vod.Upload.Tests;

/// <summary>Runs alone: the engine's instruments are process-wide, and other tests' uploads would count too.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<AzuriteFixture>;

/// <summary>The spans and metrics of one upload against the emulator, read back as an exporter would receive them.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests : IDisposable
{
    private readonly AzuriteFixture _azurite;
    private const int KiB = 1024;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, string?> Tags)> _measurements = new();
    private readonly ActivityListener _tracing;
    private readonly MeterListener _metrics = new();

    public TelemetryTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name is UploadTelemetry.Name or AlibabaTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_tracing);
        _metrics.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == UploadTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _metrics.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _metrics.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _metrics.Start();
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _metrics.Dispose();
    }

    [Fact]
    public async Task One_upload_is_one_trace_with_each_step_and_call_and_its_metrics_match_the_upload()
    {
        // Arrange: four parts, the first PUT refused once (a part retry).
        await using var harness = await EngineHarness.StartAsync(_azurite.Blobs);
        harness.Emulator.Faults.FailUploadParts(1, 0, 503, Emulator.State.PartFailureMode.Status, "ServiceUnavailable");
        var data = EngineHarness.Data(1024 * KiB, 71);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(data, "traced.mp4"));

        // Act
        var result = await harness.Engine.UploadAsync(new UploadRequest(source, new MediaMetadata(), new UploadOptions { PartSize = 256 * KiB, Parallel = 2 }));

        // Assert: one root, every step and call under it, in one trace.
        var root = Assert.Single(_spans, s => s.OperationName == "vod.upload" && (string?)s.GetTagItem("vod.source") == source.Location);
        var trace = _spans.Where(s => s.TraceId == root.TraceId).ToList();
        var names = trace.Select(s => s.DisplayName).ToList();
        Assert.Equal(["vod.step Plan", "vod.step CreateOrRefresh", "vod.step InitiateOrResume", "vod.step UploadParts", "vod.step Complete", "vod.step CleanUp"],
            trace.Where(s => s.DisplayName.StartsWith("vod.step ", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).Select(s => s.DisplayName));
        Assert.Contains("VOD CreateUploadVideo", names);
        Assert.Contains("OSS InitiateMultipartUpload", names);
        Assert.Equal(5, names.Count(n => n == "OSS UploadPart")); // one refused, then stored
        Assert.Contains("OSS CompleteMultipartUpload", names);
        Assert.All(trace.Where(s => s != root), s => Assert.NotNull(s.Parent));
        Assert.Equal(result.MediaId, root.GetTagItem("vod.media.id"));
        var complete = trace.Single(s => s.DisplayName == "vod.step Complete");
        Assert.Equal(result.MediaId, complete.GetTagItem("vod.media.id"));
        var parts = trace.Single(s => s.DisplayName == "vod.step UploadParts");
        Assert.Equal((1, 4), ((int)parts.GetTagItem("vod.parts.first")!, (int)parts.GetTagItem("vod.parts.last")!));
        var puts = trace.Where(s => s.DisplayName == "OSS UploadPart").ToList();
        Assert.Equal(4, puts.Count(p => (int)p.GetTagItem("http.response.status_code")! == 200 && p.Kind == ActivityKind.Client && (string?)p.GetTagItem("rpc.system") == "alibaba_oss"));
        var refused = Assert.Single(puts, p => p.Status == ActivityStatusCode.Error);
        Assert.Equal(("ServiceUnavailable", 503), ((string?)refused.GetTagItem("error.type"), (int)refused.GetTagItem("http.response.status_code")!));

        // No credential, signature or token in any attribute.
        var values = trace.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty).ToList();
        Assert.All(values, v =>
        {
            Assert.DoesNotContain(harness.Emulator.Options.AccessKeySecret, v, StringComparison.Ordinal);
            Assert.DoesNotContain("Signature", v, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SecurityToken", v, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("?", v, StringComparison.Ordinal);
        });

        // Metrics: one upload started and succeeded.
        Assert.Equal(1, Sum("vod.uploads", ("vod.upload.state", "started")));
        Assert.Equal(1, Sum("vod.uploads", ("vod.upload.state", "succeeded")));
        Assert.Equal(0, Sum("vod.uploads", ("vod.upload.state", "failed")));
        Assert.Equal(1024 * KiB, Sum("vod.upload.bytes"));
        Assert.Equal(4, _measurements.Count(m => m.Name == "vod.upload.part.duration"));
        Assert.Equal(1, Sum("vod.upload.retries", ("vod.retry.scope", "part"), ("error.type", "ServiceUnavailable")));
    }

    [Fact]
    public async Task A_pull_is_one_trace_of_its_steps_and_vod_calls_with_no_url_query_in_any_attribute()
    {
        // Arrange: a blob in Azurite and its SAS.
        await using var harness = await EngineHarness.StartAsync(_azurite.Blobs);
        var data = EngineHarness.Data(100 * KiB, 73);
        await harness.PutBlobAsync(data, "traced-pull.mp4", "pull-traced");
        var url = (await Pull.DevelopmentUrlSigner.TryCreate(_azurite.Azurite.ConnectionString)!.SignAsync("pull-traced", "traced-pull.mp4", TimeSpan.FromMinutes(5), CancellationToken.None)).Url;
        var pull = new Pull.PullUploader(harness.Vod, new Pull.InMemoryPullCheckpointStore());

        // Act
        var result = await pull.PullAsync(url, new MediaMetadata(), new Pull.PullOptions { FirstPollInterval = TimeSpan.FromMilliseconds(50), MaxPollInterval = TimeSpan.FromMilliseconds(100) });

        // Assert
        var root = Assert.Single(_spans, s => s.OperationName == "vod.upload" && (string?)s.GetTagItem("vod.transfer.mode") == "pull");
        var trace = _spans.Where(s => s.TraceId == root.TraceId).ToList();
        var names = trace.Select(s => s.DisplayName).ToList();
        Assert.Equal("vod.step PullSubmit", trace.Where(s => s.DisplayName.StartsWith("vod.step ", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).First().DisplayName);
        Assert.Contains("vod.step PullPoll", names);
        Assert.Contains("VOD UploadMediaByURL", names);
        Assert.Contains("VOD GetURLUploadInfos", names);
        Assert.Equal(result.MediaId, root.GetTagItem("vod.media.id"));
        Assert.All(trace.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? string.Empty), v =>
        {
            Assert.DoesNotContain("?", v, StringComparison.Ordinal);
            Assert.DoesNotContain("sig", v, StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal(1, Sum("vod.uploads", ("vod.upload.state", "succeeded")));
    }

    [Fact]
    public async Task A_failed_upload_marks_its_trace_and_counts_as_failed_with_its_code()
    {
        await using var harness = await EngineHarness.StartAsync(_azurite.Blobs);
        harness.Emulator.Faults.FailUploadParts(0, 1.0, 403, Emulator.State.PartFailureMode.Status, "AccessDenied");
        var source = SourceReference.FromFile(EngineHarness.WriteFile(EngineHarness.Data(512 * KiB, 72), "refused.mp4"));

        await Assert.ThrowsAsync<UploadException>(() => harness.Engine.UploadAsync(new UploadRequest(source, new MediaMetadata(), new UploadOptions { PartSize = 256 * KiB, StepRetryCount = 0 })));

        var root = Assert.Single(_spans, s => s.OperationName == "vod.upload" && (string?)s.GetTagItem("vod.source") == source.Location);
        Assert.Equal((ActivityStatusCode.Error, "AccessDenied"), (root.Status, (string?)root.GetTagItem("error.type")));
        var put = _spans.First(s => s.TraceId == root.TraceId && s.DisplayName == "OSS UploadPart");
        Assert.Equal(("AccessDenied", 403), ((string?)put.GetTagItem("error.type"), (int)put.GetTagItem("http.response.status_code")!));
        Assert.Equal(1, Sum("vod.uploads", ("vod.upload.state", "failed"), ("error.type", "AccessDenied")));
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>();
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value?.ToString();
        }

        _measurements.Enqueue((instrument.Name, value, map));
    }

    private double Sum(string name, params (string Key, string Value)[] tags) =>
        _measurements.Where(m => m.Name == name && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Sum(m => m.Value);
}
