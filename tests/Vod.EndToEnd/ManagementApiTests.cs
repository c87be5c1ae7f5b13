using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vod.EndToEnd.Support;

namespace Vod.EndToEnd;

/// <summary>The management API under the real host, with function keys: start, watch, stop, resume, cancel, retry, delete, list.</summary>
[Collection(AppCollection.Name)]
public sealed class ManagementApiTests(AppUnderHost app)
{
    private const string Container = "vod-manual";

    [HostFact]
    public Task An_upload_started_through_the_api_moves_stops_resumes_and_is_deleted() => app.RunAsync(async () =>
    {
        // Arrange: a blob outside the incoming container (the trigger never starts it); OSS answers slowly, so the upload
        // is still running when it is stopped.
        var name = $"managed-{Sources.Tag()}.mp4";
        var bytes = await Sources.PutAsync(app.Blobs, Container, name, AppUnderHost.PartSize * 30);
        app.Emulator.Faults.OssLatency = TimeSpan.FromSeconds(1);
        try
        {
            // Act + Assert: started, and a second start of the same blob version is a conflict.
            var started = await StartAsync(name);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var body = await started.Content.ReadFromJsonAsync<JsonElement>();
            var id = body.GetProperty("id").GetString()!;
            Assert.Equal(new Uri(app.Host.BaseUri, $"api/uploads/{id}"), new Uri(body.GetProperty("statusUrl").GetString()!));
            using (var again = await StartAsync(name))
            {
                await Problem.AssertAsync(again, HttpStatusCode.Conflict, "UploadExists");
            }

            // Progress moves.
            var first = await UploadsClient.WaitAsync(app.Api, id, "a first stored part", TimeSpan.FromSeconds(90), u => UploadsClient.PartsDone(u) > 0);
            await UploadsClient.WaitAsync(app.Api, id, "more stored parts", TimeSpan.FromSeconds(90), u => UploadsClient.PartsDone(u) > UploadsClient.PartsDone(first));

            // Stop, and stop again is refused.
            using (var stop = await app.Api.PostAsync($"api/uploads/{id}/stop", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
            }

            // Once stop has answered, the parts that were in flight are cancelled: none is stored later.
            var target = ObjectOf(first.GetProperty("progress").GetProperty("mediaId").GetString()!);
            var storedAtStop = PartsStoredOn(target);
            await Task.Delay(app.Emulator.Faults.OssLatency * 3);
            Assert.Equal(storedAtStop, PartsStoredOn(target));
            await UploadsClient.WaitStatusAsync(app.Api, id, "Suspended", TimeSpan.FromSeconds(60));
            using (var stopAgain = await app.Api.PostAsync($"api/uploads/{id}/stop", null))
            {
                await Problem.AssertAsync(stopAgain, HttpStatusCode.Conflict, "InvalidState");
            }

            Assert.Contains(await UploadsClient.AllAsync(app.Api, "&status=Suspended"), u => u.GetProperty("id").GetString() == id);

            // Resume: it finishes.
            app.Emulator.Faults.OssLatency = TimeSpan.Zero;
            using (var resume = await app.Api.PostAsync($"api/uploads/{id}/resume", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
            }

            var done = await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120));
            var mediaId = done.GetProperty("result").GetProperty("mediaId").GetString()!;
            Assert.Equal(Sources.Sha256(bytes), Sources.Sha256(Sources.StoredObject(app.Emulator, mediaId)!));
            Assert.Equal(1, Sources.MediaTitled(app.Emulator, Path.GetFileNameWithoutExtension(name)));
            Assert.Contains(await UploadsClient.AllAsync(app.Api, "&status=Completed,Failed"), u => u.GetProperty("id").GetString() == id);
            Assert.DoesNotContain(await UploadsClient.AllAsync(app.Api, "&status=Running"), u => u.GetProperty("id").GetString() == id);

            // Delete: gone.
            using (var delete = await app.Api.DeleteAsync($"api/uploads/{id}"))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }

            Assert.Null(await app.GetJsonAsync($"api/uploads/{id}"));
        }
        finally
        {
            app.Emulator.Faults.OssLatency = TimeSpan.Zero;
        }
    });

    [HostFact]
    public Task A_cancelled_upload_leaves_no_parts_or_checkpoint_and_a_retry_completes_it() => app.RunAsync(async () =>
    {
        // Arrange
        var name = $"cancelled-{Sources.Tag()}.mp4";
        var bytes = await Sources.PutAsync(app.Blobs, Container, name, AppUnderHost.PartSize * 20);
        app.Emulator.Faults.OssLatency = TimeSpan.FromSeconds(1);
        try
        {
            using var started = await StartAsync(name);
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var running = await UploadsClient.WaitAsync(app.Api, id, "a first stored part", TimeSpan.FromSeconds(90), u => UploadsClient.PartsDone(u) > 0);
            var mediaId = running.GetProperty("progress").GetProperty("mediaId").GetString()!;
            var target = ObjectOf(mediaId);
            Assert.True(MultipartUploadsOn(target) > 0);

            // Act: a running upload can be neither deleted nor retried; it can be cancelled.
            using (var deleteRunning = await app.Api.DeleteAsync($"api/uploads/{id}"))
            {
                await Problem.AssertAsync(deleteRunning, HttpStatusCode.Conflict, "InvalidState");
            }

            using (var retryRunning = await app.Api.PostAsync($"api/uploads/{id}/retry", null))
            {
                await Problem.AssertAsync(retryRunning, HttpStatusCode.Conflict, "InvalidState");
            }

            using (var cancel = await app.Api.PostAsync($"api/uploads/{id}/cancel", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
            }

            // Assert: terminated, the multipart upload aborted on OSS, the video deleted (not left Uploading), the
            // checkpoint gone.
            await UploadsClient.WaitStatusAsync(app.Api, id, "Terminated", TimeSpan.FromSeconds(60));
            Assert.Equal(0, MultipartUploadsOn(target));
            lock (app.Emulator.State.Sync)
            {
                Assert.DoesNotContain(mediaId, app.Emulator.State.Media.Keys);
            }

            var checkpoints = app.Blobs.GetBlobContainerClient("vod-checkpoints").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, name.ToLowerInvariant() + "-", default);
            Assert.Empty(await checkpoints.ToListAsync());

            // Retry: it runs again from nothing and completes.
            app.Emulator.Faults.OssLatency = TimeSpan.Zero;
            using (var retry = await app.Api.PostAsync($"api/uploads/{id}/retry", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
            }

            var done = await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120));
            var finalMedia = done.GetProperty("result").GetProperty("mediaId").GetString()!;
            Assert.Equal(Sources.Sha256(bytes), Sources.Sha256(Sources.StoredObject(app.Emulator, finalMedia)!));
        }
        finally
        {
            app.Emulator.Faults.OssLatency = TimeSpan.Zero;
        }
    });

    [HostFact]
    public Task Every_page_of_the_list_holds_exactly_page_size_uploads() => app.RunAsync(async () =>
    {
        // Arrange: uploads of several parts, each with a part-range sub-orchestration beside it in the instance store.
        var tag = Sources.Tag();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var name = $"paged-{tag}-{i}.mp4";
            await Sources.PutAsync(app.Blobs, Container, name, AppUnderHost.PartSize * 3);
            using var started = await StartAsync(name);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            ids.Add((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }

        foreach (var id in ids)
        {
            await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120));
        }

        // Act: read the completed uploads two at a time.
        var pages = new List<List<string>>();
        string? token = null;
        do
        {
            var url = "api/uploads?status=Completed&pageSize=2" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await app.Api.GetFromJsonAsync<JsonElement>(url);
            pages.Add([.. page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()!)]);
            token = page.GetProperty("continuationToken").GetString();
            Assert.True(token is null || token.Trim() == token, $"The continuation token '{token}' has surrounding white space.");
        }
        while (token is not null);

        // Assert: full pages until the last; nothing twice; everything the one-page list has.
        var everything = (await app.Api.GetFromJsonAsync<JsonElement>("api/uploads?status=Completed&pageSize=500")).GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()!).ToList();
        Assert.All(pages.SkipLast(1), page => Assert.Equal(2, page.Count));
        var listed = pages.SelectMany(p => p).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(everything.Order(), listed.Order());
        Assert.Subset(listed.ToHashSet(), ids.ToHashSet());
        Assert.DoesNotContain(listed, id => id.Contains(':', StringComparison.Ordinal));
    });

    private Task<HttpResponseMessage> StartAsync(string name) =>
        app.Api.PostAsJsonAsync("api/uploads", new { name, container = Container });

    private (string Bucket, string Key) ObjectOf(string mediaId)
    {
        lock (app.Emulator.State.Sync)
        {
            var media = app.Emulator.State.Media[mediaId];
            return (media.Bucket, media.Key);
        }
    }

    private int PartsStoredOn((string Bucket, string Key) target)
    {
        lock (app.Emulator.State.Sync)
        {
            return app.Emulator.State.Uploads.Values.Where(u => u.Bucket == target.Bucket && u.Key == target.Key).Sum(u => u.Parts.Count);
        }
    }

    private int MultipartUploadsOn((string Bucket, string Key) target)
    {
        lock (app.Emulator.State.Sync)
        {
            return app.Emulator.State.Uploads.Values.Count(u => u.Bucket == target.Bucket && u.Key == target.Key);
        }
    }
}
