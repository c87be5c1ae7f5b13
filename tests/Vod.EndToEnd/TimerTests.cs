using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.EndToEnd.Support;

namespace Vod.EndToEnd;

/// <summary>The timer functions, run now through the host's admin endpoint.</summary>
[Collection(AppCollection.Name)]
public sealed class TimerTests(AppUnderHost app)
{
    [HostFact]
    public Task Reconciliation_repairs_a_record_whose_callbacks_vod_dropped_and_logs_only_that() => app.RunAsync(async () =>
    {
        // Arrange: a browser upload whose every callback VOD drops, so the app's record stays "Uploading".
        app.Emulator.Faults.SetCallbackFault(Vod.Emulator.State.CallbackFaultMode.Drop, 1000, TimeSpan.Zero);
        try
        {
            using var answer = await app.Api.PostAsJsonAsync("api/vod/upload-video-auth", new { title = "dropped-" + Sources.Tag(), fileName = "dropped.mp4" });
            answer.EnsureSuccessStatusCode();
            var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
            var created = new VodUploadCredentials(body.GetProperty("VideoId").GetString()!, body.GetProperty("UploadAddress").GetString()!, body.GetProperty("UploadAuth").GetString()!);
            using var http = new HttpClient();
            var oss = new OssClient(http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic });
            var address = UploadAddress.Decode(created.UploadAddress);
            await oss.PutObjectAsync(OssObjectLocation.From(address), new MemoryStream(new byte[2000]), 2000, UploadAuth.Decode(created.UploadAuth).Credential);
            await Eventually.UntilAsync("VOD to have transcoded the video and dropped every callback", TimeSpan.FromSeconds(30), () =>
            {
                lock (app.Emulator.State.Sync)
                {
                    return Task.FromResult(app.Emulator.State.Media[created.VideoId].Status == "Normal"
                        && app.Emulator.State.Callbacks.Any(c => c.MediaId == created.VideoId && c.EventType == "TranscodeComplete" && c.Result == "dropped"));
                }
            });

            // And one whose file never came: VOD still says "Uploading", which is no change to report.
            using var waiting = await app.Api.PostAsJsonAsync("api/vod/upload-video-auth", new { title = "waiting-" + Sources.Tag(), fileName = "waiting.mp4" });
            var waitingId = (await waiting.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("VideoId").GetString()!;

            // Both waited long enough for reconciliation (Vod__ReconcileAfterMinutes, at least a minute): the host's clock
            // cannot be moved, so their age is arranged in their table.
            var table = new TableClient(app.Azurite.ConnectionString, "VodMedia");
            foreach (var videoId in new[] { created.VideoId, waitingId })
            {
                var entity = (await table.GetEntityAsync<TableEntity>("video", videoId)).Value;
                Assert.Equal("Uploading", entity.GetString("Status"));
                entity["UpdatedAt"] = DateTimeOffset.UtcNow.AddMinutes(-30);
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
            }

            // Act (the timer may also fire on its schedule: this run is the next "Executed" line)
            var passesBefore = Passes(app.Host.Group.ReadLog());
            await app.RunFunctionAsync("Reconciliation");

            // Assert: VOD's word is recorded, and the log names the repair and no non-change.
            await Eventually.UntilAsync("the record to be reconciled", TimeSpan.FromSeconds(60), async () =>
                await app.GetJsonAsync($"api/media/videos/{created.VideoId}") is { } r && r.GetProperty("confirmed").GetBoolean() && r.GetProperty("status").GetString() != "Uploading");
            // The host logs the function's end after everything the pass logged.
            var log = await Eventually.WaitAsync("the reconciliation pass to end", TimeSpan.FromSeconds(60), () =>
                Task.FromResult(app.Host.Group.ReadLog() is var text && Passes(text) > passesBefore ? text : null));
            Assert.Contains($"Reconciled video {created.VideoId}: Uploading → ", log, StringComparison.Ordinal);
            await Eventually.UntilAsync("the waiting record to be confirmed", TimeSpan.FromSeconds(60), async () =>
                await app.GetJsonAsync($"api/media/videos/{waitingId}") is { } r && r.GetProperty("confirmed").GetBoolean());
            Assert.Equal("Uploading", (await app.GetJsonAsync($"api/media/videos/{waitingId}"))!.Value.GetProperty("status").GetString());
            Assert.DoesNotContain($"Reconciled video {waitingId}", log, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"Reconciled \w+ \S+: (\w+) → \1\b", log);
        }
        finally
        {
            app.Emulator.Faults.Reset();
        }
    });

    [HostFact]
    public Task History_purge_runs_under_the_host_and_leaves_recent_uploads_alone() => app.RunAsync(async () =>
    {
        // Arrange: a finished upload, far younger than the retention.
        var name = $"kept-{Sources.Tag()}.mp4";
        await Sources.PutAsync(app.Blobs, "vod-manual", name, 1000);
        using var started = await app.Api.PostAsJsonAsync("api/uploads", new { name, container = "vod-manual" });
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120));
        var before = app.Host.Group.ReadLog().Split("Purged ").Length;

        // Act
        await app.RunFunctionAsync("HistoryPurge");

        // Assert
        await Eventually.UntilAsync("the purge's log line", TimeSpan.FromSeconds(60), () =>
            Task.FromResult(app.Host.Group.ReadLog().Split("Purged ").Length > before));
        Assert.NotNull(await app.GetJsonAsync($"api/uploads/{id}"));
    });

    private static int Passes(string log) => log.Split("Executed 'Functions.Reconciliation'").Length - 1;

    private sealed record VodUploadCredentials(string VideoId, string UploadAddress, string UploadAuth);
}
