using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Vod.Functions.Api;
using Vod.Functions.Ingest;
using Vod.Functions.Uploads;
using Vod.Testing;

namespace Vod.Functions.Tests;

/// <summary>The blob trigger and the HTTP functions, called directly with real requests and a real Durable client.</summary>
public sealed class IngestAndApiTests : IAsyncLifetime
{
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private BlobIngest Ingest() => new(_harness.Jobs, _harness.Starter, _harness.Blobs, _harness.Options, NullLogger<BlobIngest>.Instance);

    private UploadsApi Api() => _harness.Api();

    private static HttpRequest Request(string? body = null, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost", 7071);
        context.Request.QueryString = new QueryString(query);
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? string.Empty));
        return context.Request;
    }

    private async Task<Azure.Storage.Blobs.BlobClient> BlobAsync(string name, byte[] data)
    {
        var container = _harness.Blobs.GetBlobContainerClient(_harness.Options.Value.IncomingContainer);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(data), overwrite: true);
        return blob;
    }

    private static string Code(IActionResult result) =>
        (string)((ProblemDetails)Assert.IsType<ObjectResult>(result).Value!).Extensions["code"]!;

    [Fact]
    public async Task Duplicate_trigger_deliveries_start_one_upload_and_refused_blobs_get_a_visible_reason()
    {
        var blob = await BlobAsync("dup.mp4", FunctionsHarness.Data(300_000, 1));
        var empty = await BlobAsync("empty.mp4", []);
        var text = await BlobAsync("notes.txt", [1, 2, 3]);

        await Ingest().Run(blob, "dup.mp4", _harness.Host.Client, CancellationToken.None);
        await Ingest().Run(blob, "dup.mp4", _harness.Host.Client, CancellationToken.None);
        await Ingest().Run(empty, "empty.mp4", _harness.Host.Client, CancellationToken.None);
        await Ingest().Run(text, "notes.txt", _harness.Host.Client, CancellationToken.None);

        var instances = await _harness.Host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "upl-" }).ToListAsync();
        Assert.Single(instances, i => i.Name == nameof(UploadOrchestration.UploadOrchestrator));
        var rejected = _harness.Blobs.GetBlobContainerClient(_harness.Options.Value.RejectionContainer);
        var emptyNote = JsonDocument.Parse((await rejected.GetBlobClient("empty.mp4.json").DownloadContentAsync()).Value.Content.ToString()).RootElement;
        var textNote = JsonDocument.Parse((await rejected.GetBlobClient("notes.txt.json").DownloadContentAsync()).Value.Content.ToString()).RootElement;
        Assert.Equal("EmptySource", emptyNote.GetProperty("code").GetString());
        Assert.Equal("UnsupportedMedia", textNote.GetProperty("code").GetString());
        Assert.True(await empty.ExistsAsync());
        Assert.True(await text.ExistsAsync());
    }

    [Fact]
    public async Task A_start_that_loses_a_race_is_a_duplicate_and_a_start_refused_for_another_reason_fails()
    {
        // Arrange: the backend refuses the start because a concurrent one created the instance first — or, for the
        // last blob, refuses it with no instance created.
        var delivered = await BlobAsync("race.mp4", FunctionsHarness.Data(300_000, 9));
        await BlobAsync("race-api.mp4", FunctionsHarness.Data(300_000, 10));
        var broken = await BlobAsync("broken.mp4", FunctionsHarness.Data(300_000, 11));
        var raced = new RefusingClient(_harness.Host.Client) { AnotherStartWins = true };
        var refusing = new RefusingClient(_harness.Host.Client);

        // Act
        await Ingest().Run(delivered, "race.mp4", raced, CancellationToken.None);
        var answer = await Api().Start(Request("""{"name":"race-api.mp4"}"""), raced);
        var failure = await Record.ExceptionAsync(() => Ingest().Run(broken, "broken.mp4", refusing, CancellationToken.None));

        // Assert: the lost races start nothing more and fail nothing (the API says 409); the other refusal surfaces.
        Assert.Equal(2, raced.Refused);
        var instances = await _harness.Host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "upl-" }).ToListAsync();
        Assert.Equal(2, instances.Count(i => i.Name == nameof(UploadOrchestration.UploadOrchestrator)));
        Assert.Equal("UploadExists", Code(answer));
        Assert.Equal(409, ((ObjectResult)answer).StatusCode);
        Assert.IsType<InvalidOperationException>(failure);
        Assert.Equal(1, refusing.Refused);
    }

    private static readonly JsonSerializerOptions AspNetJson = new(JsonSerializerDefaults.Web);

    private static JsonElement Body(IActionResult result) =>
        JsonDocument.Parse(JsonSerializer.Serialize(Assert.IsType<OkObjectResult>(result).Value, AspNetJson)).RootElement;

    [Fact]
    public async Task Start_answers_202_then_409_and_status_shows_progress_part_by_part()
    {
        // Arrange: 11 parts of 100 KiB, one at a time; the sixth part waits until the test lets it go.
        await BlobAsync("api.mp4", FunctionsHarness.Data(1_100_000, 2));
        using var gate = new ManualResetEventSlim();
        _harness.BeforeActivity = (name, input) =>
        {
            if (input is PartBatchJob { FirstPart: 6 })
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return null;
        };

        // Act
        var started = await Api().Start(Request("""{"name":"api.mp4","metadata":{"title":"From the API"},"options":{"partSize":102400,"parallel":1}}"""), _harness.Host.Client);
        var again = await Api().Start(Request("""{"name":"api.mp4"}"""), _harness.Host.Client);
        var accepted = Assert.IsType<AcceptedResult>(started);
        var id = JsonDocument.Parse(JsonSerializer.Serialize(accepted.Value)).RootElement.GetProperty("id").GetString()!;
        var midway = await PollAsync(id, view => view.GetProperty("progress").GetProperty("partsDone").GetInt32() >= 5);
        var orchestrationStatus = (await _harness.Host.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!.ReadCustomStatusAs<UploadStatus>()!;
        gate.Set();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _harness.Host.Client.WaitForInstanceCompletionAsync(id, timeout.Token);
        var done = Body(await Api().Get(Request(), id, _harness.Host.Client));

        // Assert: 202 then 409; midway the checkpoint's five parts show although the orchestration's own status is
        // still at zero (it moves per range of batches); at the end the result is there, in camelCase like the rest.
        Assert.Equal($"http://localhost:7071/api/uploads/{id}", accepted.Location);
        Assert.Equal("UploadExists", Code(again));
        Assert.Equal(409, ((ObjectResult)again).StatusCode);
        Assert.Equal(id, midway.GetProperty("id").GetString());
        Assert.Equal("Running", midway.GetProperty("status").GetString());
        Assert.Equal("vod-incoming/api.mp4", midway.GetProperty("source").GetString());
        var progress = midway.GetProperty("progress");
        Assert.Equal("uploading", progress.GetProperty("phase").GetString());
        Assert.Equal(5, progress.GetProperty("partsDone").GetInt32());
        Assert.Equal(11, progress.GetProperty("partCount").GetInt32());
        Assert.Equal(5 * 102400, progress.GetProperty("bytesUploaded").GetInt64());
        Assert.Equal(1_100_000, progress.GetProperty("totalBytes").GetInt64());
        Assert.Equal(Math.Round(100.0 * 5 * 102400 / 1_100_000, 2), progress.GetProperty("percent").GetDouble());
        Assert.Equal(0, orchestrationStatus.PartsDone);
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(100, done.GetProperty("progress").GetProperty("percent").GetDouble());
        Assert.Equal(1_100_000, done.GetProperty("result").GetProperty("size").GetInt64());
        Assert.Equal(done.GetProperty("progress").GetProperty("mediaId").GetString(), done.GetProperty("result").GetProperty("mediaId").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("error").ValueKind);
        var list = Body(await UploadsApi.List(Request(query: "?status=Running,Pending,Completed&pageSize=10"), _harness.Host.Client));
        Assert.Contains(list.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == id && item.GetProperty("status").GetString() == "Completed");
    }

    private async Task<JsonElement> PollAsync(string id, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var view = Body(await Api().Get(Request(), id, _harness.Host.Client));
            if (view.GetProperty("progress").ValueKind == JsonValueKind.Object && until(view))
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, "progress did not reach the expected point: " + view);
            await Task.Delay(50);
        }
    }

    [Theory]
    [InlineData("not json", "InvalidJson", 400)]
    [InlineData("{}", "MissingName", 400)]
    [InlineData("""{"name":"nothere.mp4"}""", "NotFound", 404)]
    [InlineData("""{"name":"x.mp4","options":{"parallel":0}}""", "InvalidOption", 400)]
    [InlineData("""{"name":"ceo.mp4","container":"hr-private"}""", "ContainerNotAllowed", 403)]
    public async Task Bad_starts_get_problem_details_with_stable_codes(string body, string code, int status)
    {
        var result = await Api().Start(Request(body), _harness.Host.Client);

        Assert.Equal(code, Code(result));
        Assert.Equal(status, ((ObjectResult)result).StatusCode);
        Assert.Contains("application/problem+json", ((ObjectResult)result).ContentTypes);
    }

    [Fact]
    public async Task Unknown_ids_are_404_and_state_changes_check_the_state()
    {
        Assert.Equal("NotFound", Code(await Api().Get(Request(), "upl-missing", _harness.Host.Client)));
        Assert.Equal("NotFound", Code(await Api().Resume(Request(), "upl-missing", _harness.Host.Client)));
        Assert.Equal("NotFound", Code(await Api().Get(Request(), "upl-a#b?c\\d\u0001", _harness.Host.Client)));
        Assert.Equal("NotFound", Code(await Api().Get(Request(), "upl-" + new string('f', 2000), _harness.Host.Client)));
        Assert.Equal("InvalidStatus", Code(await UploadsApi.List(Request(query: "?status=Sleeping"), _harness.Host.Client)));

        await BlobAsync("state.mp4", FunctionsHarness.Data(300_000, 3));
        var started = (AcceptedResult)await Api().Start(Request("""{"name":"state.mp4"}"""), _harness.Host.Client);
        var id = JsonDocument.Parse(JsonSerializer.Serialize(started.Value)).RootElement.GetProperty("id").GetString()!;
        var resumeRunning = await Api().Resume(Request(), id, _harness.Host.Client);
        var deleteRunning = await Api().Delete(Request(), id, _harness.Host.Client);

        Assert.Equal("InvalidState", Code(resumeRunning));
        Assert.Equal("InvalidState", Code(deleteRunning));
        Assert.IsType<AcceptedResult>(await Api().Stop(Request(), id, _harness.Host.Client));
    }

    [Fact]
    public async Task The_app_creates_its_containers_at_start_up_and_an_unreachable_account_does_not_stop_it()
    {
        // Arrange: container names no other test uses, and an account on a port nothing listens on.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var options = Microsoft.Extensions.Options.Options.Create(new Vod.Functions.VodFunctionsOptions
        {
            AccessKeyId = "id",
            AccessKeySecret = "secret",
            IncomingContainer = "in-" + suffix,
            CheckpointContainer = "cp-" + suffix,
            RejectionContainer = "rj-" + suffix,
        });
        var unreachable = new Azure.Storage.Blobs.BlobServiceClient(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Azurite.AccountKey};BlobEndpoint=http://127.0.0.1:{Azurite.FreePort()}/devstoreaccount1;",
            new Azure.Storage.Blobs.BlobClientOptions { Retry = { MaxRetries = 0 } });

        // Act
        await new StorageBootstrap(_harness.Blobs, options, NullLogger<StorageBootstrap>.Instance).EnsureContainersAsync(CancellationToken.None);
        await new StorageBootstrap(unreachable, options, NullLogger<StorageBootstrap>.Instance).EnsureContainersAsync(CancellationToken.None);

        // Assert
        Assert.True(await _harness.Blobs.GetBlobContainerClient("in-" + suffix).ExistsAsync());
        Assert.True(await _harness.Blobs.GetBlobContainerClient("cp-" + suffix).ExistsAsync());
        Assert.True(await _harness.Blobs.GetBlobContainerClient("rj-" + suffix).ExistsAsync());
    }

    [Fact]
    public async Task Vod_ContentMd5_is_the_default_of_blob_uploads_and_the_API_can_ask_for_it_per_upload()
    {
        // Arrange: a blob, and the app's job factory with the setting on and off.
        var name = $"md5-{Guid.NewGuid():N}.mp4";
        await _harness.PutBlobAsync(FunctionsHarness.Data(1000, 5), name);
        UploadJobFactory Factory(bool contentMd5) => new(_harness.Blobs, Microsoft.Extensions.Options.Options.Create(new Vod.Functions.VodFunctionsOptions
        {
            AccessKeyId = "id",
            AccessKeySecret = "secret",
            ContentMd5 = contentMd5,
        }));
        var container = _harness.Options.Value.IncomingContainer;

        // Act
        var on = (await Factory(true).ForBlobAsync(container, name, null, null, CancellationToken.None)).Job!;
        var off = (await Factory(false).ForBlobAsync(container, name, null, null, CancellationToken.None)).Job!;
        var fromApi = JsonSerializer.Deserialize<Api.StartUploadRequest>("""{"name":"x.mp4","options":{"contentMd5":true}}""", JsonSerializerOptions.Web)!;

        // Assert
        Assert.True(on.Options.ContentMd5);
        Assert.False(off.Options.ContentMd5);
        Assert.False(_harness.Options.Value.ContentMd5);
        Assert.True(fromApi.Options!.ContentMd5);
    }

    [Fact]
    public void The_build_lists_every_function_with_the_trigger_and_route_the_readme_documents()
    {
        var metadata = Path.Combine(RepositoryPaths.Root, "functions", "Vod.Functions", "bin",
            AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug", "net10.0", "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(metadata));
        var triggers = document.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)));
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));

        var expected = new (string Name, string Type, string? Route, string? Method)[]
        {
            ("StartUpload", "httpTrigger", "uploads", "post"), ("ListUploads", "httpTrigger", "uploads", "get"),
            ("GetUpload", "httpTrigger", "uploads/{id}", "get"), ("StopUpload", "httpTrigger", "uploads/{id}/stop", "post"),
            ("ResumeUpload", "httpTrigger", "uploads/{id}/resume", "post"), ("CancelUpload", "httpTrigger", "uploads/{id}/cancel", "post"),
            ("RetryUpload", "httpTrigger", "uploads/{id}/retry", "post"), ("DeleteUpload", "httpTrigger", "uploads/{id}", "delete"),
            ("BlobIngest", "blobTrigger", null, null), ("HistoryPurge", "timerTrigger", null, null),
            ("UploadOrchestrator", "orchestrationTrigger", null, null), ("PartRangeOrchestrator", "orchestrationTrigger", null, null),
            ("UploadVideoAuth", "httpTrigger", "vod/upload-video-auth", "post"), ("RefreshUploadVideoAuth", "httpTrigger", "vod/refresh-upload-video-auth", "post"),
            ("UploadImageAuth", "httpTrigger", "vod/upload-image-auth", "post"), ("StsToken", "httpTrigger", "vod/sts-token", "post"),
            ("GetVideoRecord", "httpTrigger", "media/videos/{videoId}", "get"), ("GetImageRecord", "httpTrigger", "media/images/{imageId}", "get"),
            ("ListMedia", "httpTrigger", "media", "get"), ("Reconciliation", "timerTrigger", null, null), ("RecordMedia", "activityTrigger", null, null),
        };
        foreach (var (name, type, route, method) in expected)
        {
            Assert.True(triggers.TryGetValue(name, out var trigger), name);
            Assert.Equal(type, trigger.GetProperty("type").GetString());
            if (route is not null)
            {
                Assert.Equal(route, trigger.GetProperty("route").GetString());
                Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
                Assert.Contains(method!, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
                Assert.Contains($"{method!.ToUpperInvariant()} /api/{route}", readme);
            }
        }

        Assert.Equal("%Vod:IncomingContainer%/{name}", triggers["BlobIngest"].GetProperty("path").GetString());
        Assert.Equal("EventGrid", triggers["BlobIngestEventGrid"].GetProperty("source").GetString());
        Assert.Equal("vod/callback", triggers["VodCallback"].GetProperty("route").GetString());
        Assert.Equal("Anonymous", triggers["VodCallback"].GetProperty("authLevel").GetString());
        Assert.Contains("POST /api/vod/callback", readme);
        Assert.Contains("AzureWebJobs.BlobIngestEventGrid.Disabled", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")));

        // What the host reads beside the app when it is started from its output folder.
        var output = Path.GetDirectoryName(metadata)!;
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")), File.ReadAllText(Path.Combine(output, "host.json")));
        Assert.True(File.Exists(Path.Combine(output, "local.settings.json")), "local.settings.json is not beside the built app");
        Assert.True(File.Exists(Path.Combine(output, "extensions.json")), "the worker extensions were not built");
    }
}
