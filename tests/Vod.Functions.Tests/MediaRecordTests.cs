using System.Text;
using Vod.Alibaba.Callbacks;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vod.Emulator;
using Vod.Functions.Api;
using Vod.Functions.Callbacks;
using Vod.Functions.Records;
using Vod.Testing;

namespace Vod.Functions.Tests;

/// <summary>Media records: idempotent, monotonic, confirmed by the VOD API, repaired by reconciliation.</summary>
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

    private static VodEventMessage Event(string json) => VodEventMessage.TryParse(Encoding.UTF8.GetBytes(json))!;

    [Fact]
    public async Task The_same_event_twice_changes_nothing_and_late_events_never_move_the_status_back()
    {
        var transcoded = Event("""{"EventType":"TranscodeComplete","Status":"success","VideoId":"v-1","EventTime":"2026-11-25T05:00:10Z"}""");
        var uploaded = Event("""{"EventType":"FileUploadComplete","Status":"success","VideoId":"v-1","Size":42,"FileUrl":"http://b/v-1.mp4","EventTime":"2026-11-25T05:00:00Z"}""");

        var first = await _records.ApplyAsync(transcoded, null, CancellationToken.None);
        var late = await _records.ApplyAsync(uploaded, null, CancellationToken.None);
        var again = await _records.ApplyAsync(uploaded, null, CancellationToken.None);

        Assert.Equal("Normal", first!.Status);
        Assert.Equal("Normal", late!.Status);
        Assert.Equal("http://b/v-1.mp4", late.FileUrl);
        Assert.Equal(42, late.Size);
        Assert.Equal(late.ETag, again!.ETag);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(again.EventsJson).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Reconciliation_repairs_a_record_whose_callbacks_vod_dropped()
    {
        // Arrange: a browser upload recorded at creation; every callback dropped.
        _emulator.Lifecycle.DefaultCallbackUrl = new Uri("http://127.0.0.1:9/api/vod/callback");
        _emulator.Faults.SetCallbackFault(Vod.Emulator.State.CallbackFaultMode.Drop, 100, TimeSpan.Zero);
        var created = await _vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "dropped", FileName = "d.mp4" });
        await _records.EnsureCreatedAsync("video", created.VideoId, "dropped", "browser", null, CancellationToken.None);
        var oss = new OssClient(_http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic });
        await oss.PutObjectAsync(OssObjectLocation.From(created.DecodeAddress()), new MemoryStream(new byte[1000]), 1000, created.DecodeAuth().Credential);
        await Poll.UntilAsync(() => _emulator.State.Media[created.VideoId].Status == "Normal", "the emulator finishes transcoding");
        var receiver = new VodCallbackReceiver(Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y" }), TimeProvider.System, _records, _vod, NullLogger<VodCallbackReceiver>.Instance);
        var reconciliation = new Reconciliation(_records, receiver, Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", ReconcileAfterMinutes = 1 }),
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
        await _records.EnsureCreatedAsync("image", "img-1", "poster", "browser", null, CancellationToken.None);
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

        Assert.Contains("img-1", System.Text.Json.JsonSerializer.Serialize(found.Value));
        Assert.Contains("img-1", System.Text.Json.JsonSerializer.Serialize(listed.Value));
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal(400, bad.StatusCode);
    }

    private sealed class ShiftedTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + offset;
    }
}
