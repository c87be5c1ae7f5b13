using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Vod.EndToEnd.Support;
using Xunit.Abstractions;

namespace Vod.EndToEnd;

/// <summary>The host is killed mid-upload and started again: the upload resumes soon, completes once, and re-sends little.</summary>
[Collection(AppCollection.Name)]
public sealed class CrashRecoveryTests(AppUnderHost app, ITestOutputHelper output)
{
    /// <summary>Longest wait from the restarted host answering to the upload moving again.</summary>
    private static readonly TimeSpan ResumeBudget = TimeSpan.FromSeconds(90);

    [HostFact]
    public Task An_upload_resumes_after_the_host_is_killed_and_completes_with_one_video() => app.RunAsync(async () =>
    {
        // Arrange: an upload of 40 parts, slowed down so that the host dies in the middle of it.
        var name = $"crash-{Sources.Tag()}.mp4";
        var bytes = await Sources.PutAsync(app.Blobs, "vod-manual", name, AppUnderHost.PartSize * 40);
        app.Emulator.Faults.OssLatency = TimeSpan.FromMilliseconds(700);
        try
        {
            using var started = await app.Api.PostAsJsonAsync("api/uploads", new { name, container = "vod-manual" });
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var running = await UploadsClient.WaitAsync(app.Api, id, "five stored parts", TimeSpan.FromSeconds(120), u => UploadsClient.PartsDone(u) >= 5);
            var mediaId = running.GetProperty("progress").GetProperty("mediaId").GetString()!;
            var ossUploadId = OssUploadOf(mediaId);
            var workers = ProcessTable.ChildrenOf(app.Host.Group.Id);
            Assert.NotEmpty(workers);

            // Act 1: SIGKILL the host alone. Its worker notices that its host is gone and stops by itself.
            app.Host.Group.SignalLeader("KILL");
            await Eventually.UntilAsync("the orphaned worker to stop", TimeSpan.FromSeconds(30), () => Task.FromResult(!workers.Any(ProcessTable.IsAlive)));
            await app.Host.Group.KillAsync();

            // Act 2: start the host again (same port, keys and storage) and time how long the upload takes to move.
            await app.Host.StartAsync();
            var back = Stopwatch.StartNew();
            var baseline = UploadsClient.PartsDone((await app.GetJsonAsync($"api/uploads/{id}"))!.Value);
            app.Emulator.Faults.OssLatency = TimeSpan.FromMilliseconds(100);
            await UploadsClient.WaitAsync(app.Api, id, "the upload to move after the restart", ResumeBudget,
                u => UploadsClient.PartsDone(u) > baseline || u.GetProperty("status").GetString() == "Completed");
            var resumedAfter = back.Elapsed;
            output.WriteLine($"REPORT crash recovery: upload moved again {resumedAfter.TotalSeconds:0.0} s after the restarted host answered (budget {ResumeBudget.TotalSeconds:0} s; {baseline} of 40 parts stored at restart)");

            // Assert: it completes, byte for byte, under the one video it had, having re-sent at most the parts in flight.
            var done = await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(180));
            Assert.Equal(mediaId, done.GetProperty("result").GetProperty("mediaId").GetString());
            Assert.Equal(Sources.Sha256(bytes), Sources.Sha256(Sources.StoredObject(app.Emulator, mediaId)!));
            Assert.Equal(1, Sources.MediaTitled(app.Emulator, Path.GetFileNameWithoutExtension(name)));
            var resent = ResentBytes(ossUploadId);
            output.WriteLine($"REPORT crash recovery: {resent} bytes re-sent (at most {AppUnderHost.Parallel} × {AppUnderHost.PartSize})");
            Assert.True(resent <= AppUnderHost.Parallel * AppUnderHost.PartSize, $"{resent} bytes were sent twice");
            Assert.True(resumedAfter <= ResumeBudget);
        }
        finally
        {
            app.Emulator.Faults.OssLatency = TimeSpan.Zero;
        }
    });

    [HostFact]
    public Task A_pull_survives_the_host_being_killed_while_vod_queues_it_and_makes_one_media() => app.RunAsync(async () =>
    {
        // Arrange: a pull started through the API; VOD's queue holds the job while the host dies.
        var name = $"pullcrash-{Sources.Tag()}.mp4";
        var bytes = await Sources.PutAsync(app.Blobs, "vod-manual", name, 200_000);
        app.Emulator.Faults.PullQueueGate.HoldAfter(0);
        try
        {
            using var started = await app.Api.PostAsJsonAsync("api/uploads", new { name, container = "vod-manual", options = new { transferMode = "pull" } });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await UploadsClient.WaitAsync(app.Api, id, "the pull job submitted", TimeSpan.FromSeconds(120),
                u => u.GetProperty("progress") is { ValueKind: JsonValueKind.Object } progress && progress.TryGetProperty("pullJobId", out var job) && job.ValueKind == JsonValueKind.String);

            // Act: kill the whole host (and its worker), start it again, then let VOD run the job.
            await app.Host.Group.KillAsync();
            await app.Host.StartAsync();
            app.Emulator.Faults.PullQueueGate.Release();
            var done = await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(400));

            // Assert: one job, one media, the bytes of the blob.
            var mediaId = done.GetProperty("result").GetProperty("mediaId").GetString()!;
            Assert.Equal(Sources.Sha256(bytes), Sources.Sha256(Sources.StoredObject(app.Emulator, mediaId)!));
            Assert.Equal(1, app.Emulator.State.UrlJobs.Values.Count(j => j.SourceUrl.Contains(name, StringComparison.Ordinal)));
            Assert.Equal(1, Sources.MediaTitled(app.Emulator, Path.GetFileNameWithoutExtension(name)));
        }
        finally
        {
            app.Emulator.Faults.PullQueueGate.Release();
        }
    });

    private string OssUploadOf(string mediaId)
    {
        lock (app.Emulator.State.Sync)
        {
            var media = app.Emulator.State.Media[mediaId];
            return app.Emulator.State.Uploads.Values.Single(u => u.Bucket == media.Bucket && u.Key == media.Key).UploadId;
        }
    }

    private long ResentBytes(string ossUploadId)
    {
        lock (app.Emulator.State.Sync)
        {
            var received = app.Emulator.State.PartUploadsReceived.GetValueOrDefault(ossUploadId) ?? [];
            return received.Values.Sum(times => (long)Math.Max(0, times - 1) * AppUnderHost.PartSize);
        }
    }
}
