using System.Text;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vod.Emulator;
using Vod.Functions.Api;
using Vod.Functions.Records;
using Vod.Testing;

namespace Vod.Functions.Tests;

/// <summary>Media records: facts only from the VOD API, newest answer wins, questions shared and budgeted, repaired by reconciliation.</summary>
public sealed class MediaRecordTests : IAsyncLifetime
{
    private Azurite _azurite = null!;
    private EmulatorHost _emulator = null!;
    private HttpClient _http = null!;
    private MediaRecordStore _records = null!;
    private VodClient _vod = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0", TranscodeDelay = TimeSpan.FromMilliseconds(100) });
        _http = new HttpClient();
        _records = new MediaRecordStore(new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "RecordTests"), TimeProvider.System);
        _vod = new VodClient(_http, new AlibabaCredential(_emulator.Options.AccessKeyId, _emulator.Options.AccessKeySecret), new VodClientOptions { Endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority)) });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Only_api_answers_are_recorded_an_older_answer_never_wins_and_an_equal_one_writes_nothing()
    {
        var asked = DateTimeOffset.UtcNow;

        var failed = await _records.ApplyFactsAsync(RecordKinds.Video, "v-1", new MediaFacts(true, "TranscodeFail", "http://b/v-1.mp4", 42), asked.AddSeconds(10), CancellationToken.None);
        var older = await _records.ApplyFactsAsync(RecordKinds.Video, "v-1", new MediaFacts(true, "UploadSucc", "http://b/v-1.mp4", 42), asked, CancellationToken.None);
        var repaired = await _records.ApplyFactsAsync(RecordKinds.Video, "v-1", new MediaFacts(true, "Normal", "http://b/v-1.mp4", 42), asked.AddSeconds(20), CancellationToken.None);
        var same = await _records.ApplyFactsAsync(RecordKinds.Video, "v-1", new MediaFacts(true, "Normal", "http://b/v-1.mp4", 42), asked.AddSeconds(30), CancellationToken.None);
        var unknown = await _records.ApplyFactsAsync(RecordKinds.Video, "v-nowhere", MediaFacts.Gone, asked, CancellationToken.None);

        Assert.Equal(("TranscodeFail", true, true), (failed.Record!.Status, failed.Record.Confirmed, failed.StatusChanged));
        Assert.Equal(("TranscodeFail", false), (older.Record!.Status, older.StatusChanged));
        Assert.Equal(("Normal", true), (repaired.Record!.Status, repaired.StatusChanged));
        Assert.Equal((repaired.Record.ETag, false), (same.Record!.ETag, same.StatusChanged));
        Assert.Null(unknown.Record);
        Assert.Null(await _records.GetAsync(RecordKinds.Video, "v-nowhere", CancellationToken.None));
        var history = System.Text.Json.JsonDocument.Parse(same.Record.HistoryJson).RootElement.EnumerateArray().Select(e => e.GetProperty("Status").GetString());
        Assert.Equal(["TranscodeFail", "Normal"], history);
    }

    [Fact]
    public async Task Hints_for_one_media_share_questions_and_the_budget_bounds_what_a_flood_costs()
    {
        // Arrange: VOD's answers are held until the test lets them go; the clock stands still (no refill).
        var facts = new HeldFacts();
        var budget = new ConfirmationBudget(5, new FixedTimeProvider(DateTimeOffset.UtcNow));
        var confirmations = new MediaConfirmations(facts, _records, budget, TimeSpan.Zero, TimeProvider.System, NullLogger<MediaConfirmations>.Instance);

        // Act 1: 200 hints for one media while the first question is held.
        var first = confirmations.ConfirmAsync(RecordKinds.Video, "v-flood");
        await Poll.UntilAsync(() => facts.Asked == 1, "the first question is asked");
        var flood = Enumerable.Range(0, 200).Select(_ => confirmations.ConfirmAsync(RecordKinds.Video, "v-flood")).ToList();
        facts.Release();
        var answers = await Task.WhenAll([first, .. flood]);
        var askedForOne = facts.Asked;

        // Act 2: hints for 50 made-up media, with 8 of the 10 budget tokens left.
        var made = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => confirmations.ConfirmAsync(RecordKinds.Video, $"v-made-up-{i}")));

        // Assert: two questions answered all 201 hints (the held one, and one asked after the flood arrived).
        Assert.Equal(2, askedForOne);
        Assert.All(answers, a => Assert.Equal("Normal", a.Record!.Status));
        Assert.Equal(10, facts.Asked);
        Assert.All(made, m => Assert.Null(m.Record));
        Assert.Single((await _records.QueryAsync(RecordKinds.Video, null, 100, null, CancellationToken.None)).Items);
    }

    /// <summary>VOD as a fake: every media but the made-up ones is Normal; answers wait until released.</summary>
    private sealed class HeldFacts : IMediaFacts
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _asked;

        public int Asked => Volatile.Read(ref _asked);

        public void Release() => _released.TrySetResult();

        public async Task<MediaFacts> GetAsync(string kind, string mediaId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _asked);
            await _released.Task;
            return mediaId.StartsWith("v-made-up-", StringComparison.Ordinal) ? MediaFacts.Gone : new MediaFacts(true, "Normal", "http://b/" + mediaId, 1);
        }
    }

    [Fact]
    public async Task Reconciliation_repairs_a_record_whose_callbacks_vod_dropped()
    {
        // Arrange: a browser upload recorded at creation; every callback dropped.
        _emulator.Lifecycle.DefaultCallbackUrl = new Uri("http://127.0.0.1:9/api/vod/callback");
        _emulator.Faults.SetCallbackFault(Vod.Emulator.State.CallbackFaultMode.Drop, 100, TimeSpan.Zero);
        var created = await _vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "dropped", FileName = "d.mp4" });
        await _records.EnsureCreatedAsync("video", created.VideoId, "dropped", "browser", null, "alice", CancellationToken.None);
        var oss = new OssClient(_http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic });
        await oss.PutObjectAsync(OssObjectLocation.From(created.DecodeAddress()), new MemoryStream(new byte[1000]), 1000, created.DecodeAuth().Credential);
        await Poll.UntilAsync(() => _emulator.State.Media[created.VideoId].Status == "Normal", "the emulator finishes transcoding");
        var confirmations = new MediaConfirmations(new VodMediaFacts(_vod), _records, new ConfirmationBudget(100, TimeProvider.System), TimeSpan.Zero, TimeProvider.System,
            NullLogger<MediaConfirmations>.Instance);
        var reconciliation = new Reconciliation(_records, confirmations, Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", ReconcileAfterMinutes = 1 }),
            new ShiftedTime(TimeSpan.FromMinutes(5)), NullLogger<Reconciliation>.Instance);

        // Act
        var changed = await reconciliation.RunOnceAsync(CancellationToken.None);
        var again = await reconciliation.RunOnceAsync(CancellationToken.None);

        // Assert
        var record = await _records.GetAsync("video", created.VideoId, CancellationToken.None);
        Assert.Equal(1, changed);
        Assert.Equal(0, again);
        Assert.True(record!.Confirmed);
        Assert.Equal("Normal", record.Status);
        Assert.Contains(_emulator.State.Callbacks, a => a.MediaId == created.VideoId && a.Result == "dropped");
        var view = Assert.IsType<OkObjectResult>(await new MediaApi(_records).GetVideo(new Microsoft.AspNetCore.Http.DefaultHttpContext().Request, created.VideoId));
        Assert.Contains("\"status\":\"Normal\"", System.Text.Json.JsonSerializer.Serialize(view.Value));
    }

    [Fact]
    public async Task The_media_api_finds_records_and_refuses_bad_queries()
    {
        await _records.EnsureCreatedAsync("image", "img-1", "poster", "browser", null, "alice", CancellationToken.None);
        var api = new MediaApi(_records);
        Microsoft.AspNetCore.Http.HttpRequest Request(string query = "")
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
            return context.Request;
        }

        var found = Assert.IsType<OkObjectResult>(await api.GetImage(Request(), "img-1"));
        var listed = Assert.IsType<OkObjectResult>(await api.List(Request("?kind=image&status=Uploading")));
        var missing = Assert.IsType<ObjectResult>(await api.GetVideo(Request(), "img-1"));
        var bad = Assert.IsType<ObjectResult>(await api.List(Request("?kind=audio")));
        var badId = Assert.IsType<ObjectResult>(await api.GetVideo(Request(), "a/b?c#d"));
        var badSize = Assert.IsType<ObjectResult>(await api.List(Request("?pageSize=ten")));
        var badStatus = Assert.IsType<ObjectResult>(await api.List(Request("?status=a%23b")));

        Assert.Contains("img-1", System.Text.Json.JsonSerializer.Serialize(found.Value));
        Assert.Contains("img-1", System.Text.Json.JsonSerializer.Serialize(listed.Value));
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal(400, bad.StatusCode);
        Assert.Equal(400, badId.StatusCode);
        Assert.Equal((400, 400), (badSize.StatusCode, badStatus.StatusCode));
    }

    private sealed class ShiftedTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + offset;
    }
}
