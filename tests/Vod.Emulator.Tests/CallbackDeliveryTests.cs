using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Emulator.Callbacks;
using Vod.Testing;

namespace Vod.Emulator.Tests;

/// <summary>Callbacks as VOD sends them: payloads, signature, retries, per-upload URL, and the callback fault switches.</summary>
public sealed class CallbackDeliveryTests : IAsyncLifetime
{
    private const string Key = "callback-test-key";
    private TestEmulator _emulator = null!;
    private RecordingServer _receiver = null!;
    private Uri _callbackUrl = null!;

    public async Task InitializeAsync()
    {
        _receiver = await RecordingServer.StartAsync();
        _receiver.Respond = _ => new ScriptedResponse(200, "ok");
        _callbackUrl = new Uri(_receiver.BaseUri, "api/vod/callback");
        _emulator = await TestEmulator.StartAsync(o =>
        {
            o.CallbackUrl = _callbackUrl;
            o.CallbackAuthKey = Key;
        });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public void Signature_matches_the_published_vector()
    {
        Assert.Equal("c72b60894140fa98920f1279219b7ed4", CallbackDispatcher.Sign("https://www.example.com/your/callback", "1519375990", "test123"));
    }

    private async Task<string> UploadImageAsync(string? userData = null)
    {
        var image = await _emulator.Vod.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = "default", UserData = userData });
        await _emulator.Oss.PutObjectAsync(OssObjectLocation.From(image.DecodeAddress()), new MemoryStream(new byte[321]), 321, image.DecodeAuth().Credential);
        return image.ImageId;
    }

    private async Task<List<JsonElement>> EventsAsync(int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_receiver.Requests.Count < atLeast && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await _emulator.Host.WaitForCallbacksAsync(TimeSpan.FromSeconds(15));
        return _receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.Clone()).ToList();
    }

    [Fact]
    public async Task A_video_gets_file_upload_analysis_and_transcode_events_signed_over_the_called_url()
    {
        var created = await _emulator.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest
        {
            Title = "v", FileName = "v.mp4",
            UserData = new VodUserData { Extend = new Dictionary<string, string> { ["uploadId"] = "u-7" } }.ToJson(),
        });
        await _emulator.Oss.PutObjectAsync(OssObjectLocation.From(created.DecodeAddress()), new MemoryStream(new byte[4096]), 4096, created.DecodeAuth().Credential);

        var events = await EventsAsync(4);

        Assert.Equal(["FileUploadComplete", "VideoAnalysisComplete", "StreamTranscodeComplete", "TranscodeComplete"], events.Select(e => e.GetProperty("EventType").GetString()));
        var upload = events[0];
        Assert.Equal(created.VideoId, upload.GetProperty("VideoId").GetString());
        Assert.Equal(4096, upload.GetProperty("Size").GetInt64());
        Assert.Equal("success", upload.GetProperty("Status").GetString());
        Assert.StartsWith("http://", upload.GetProperty("FileUrl").GetString());
        Assert.Equal("{\"uploadId\":\"u-7\"}", upload.GetProperty("Extend").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", upload.GetProperty("EventTime").GetString());
        Assert.Equal("4096", events[1].GetProperty("Size").GetString());
        foreach (var request in _receiver.Requests)
        {
            var timestamp = request.Header("x-vod-timestamp")!;
            var expected = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{_callbackUrl}|{timestamp}|{Key}")));
            Assert.Equal(expected, request.Header("x-vod-signature"));
            Assert.InRange(long.Parse(timestamp, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
            Assert.StartsWith("application/json", request.Header("content-type"));
        }

        Assert.Equal("Normal", (await _emulator.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = created.VideoId })).Video.Status);
    }

    [Fact]
    public async Task The_transcode_switch_makes_the_next_video_end_TranscodeFail_with_a_failed_TranscodeComplete()
    {
        (await _emulator.AdminAsync("faults/transcode", new { count = 1 })).EnsureSuccessStatusCode();
        var created = await _emulator.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "bad", FileName = "bad.mp4" });
        await _emulator.Oss.PutObjectAsync(OssObjectLocation.From(created.DecodeAddress()), new MemoryStream(new byte[2048]), 2048, created.DecodeAuth().Credential);

        var events = await EventsAsync(3);

        Assert.Equal(["FileUploadComplete", "VideoAnalysisComplete", "TranscodeComplete"], events.Select(e => e.GetProperty("EventType").GetString()));
        var transcode = events[^1];
        Assert.Equal("fail", transcode.GetProperty("Status").GetString());
        var stream = Assert.Single(transcode.GetProperty("StreamInfos").EnumerateArray());
        Assert.Equal("fail", stream.GetProperty("Status").GetString());
        Assert.False(string.IsNullOrEmpty(stream.GetProperty("ErrorCode").GetString()));
        Assert.Equal("TranscodeFail", (await _emulator.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = created.VideoId })).Video.Status);
    }

    [Fact]
    public async Task The_upload_own_callback_url_wins_and_unsigned_when_no_key()
    {
        await using var own = await RecordingServer.StartAsync();
        own.Respond = _ => new ScriptedResponse(200);
        _emulator.Host.Callbacks.AuthKey = null;
        var userData = new VodUserData { CallbackUrl = new Uri(own.BaseUri, "mine") }.ToJson();

        await UploadImageAsync(userData);
        await _emulator.Host.WaitForCallbacksAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(_receiver.Requests);
        var request = Assert.Single(own.Requests);
        Assert.Equal("/mine", request.RawTarget);
        Assert.Null(request.Header("x-vod-signature"));
        Assert.Equal("ImageUploadComplete", JsonDocument.Parse(request.Body).RootElement.GetProperty("EventType").GetString());
    }

    [Fact]
    public async Task Only_200_counts_three_attempts_then_the_event_is_dropped()
    {
        var calls = 0;
        _receiver.Respond = _ => Interlocked.Increment(ref calls) <= 2 ? new ScriptedResponse(500) : new ScriptedResponse(200);
        var first = await UploadImageAsync();
        await EventsAsync(3);
        _receiver.Respond = _ => new ScriptedResponse(302, null, new Dictionary<string, string> { ["Location"] = "http://127.0.0.1:1/" });
        var second = await UploadImageAsync();
        await EventsAsync(6);

        using var state = _emulator.State();
        var attempts = state.RootElement.GetProperty("callbacks").EnumerateArray().ToList();
        var firstAttempts = attempts.Where(a => a.GetProperty("mediaId").GetString() == first).Select(a => a.GetProperty("result").GetString()).ToList();
        var secondAttempts = attempts.Where(a => a.GetProperty("mediaId").GetString() == second).Select(a => a.GetProperty("result").GetString()).ToList();
        Assert.Equal(["rejected", "rejected", "delivered"], firstAttempts);
        Assert.Equal(["rejected", "rejected", "rejected", "abandoned"], secondAttempts);
    }

    [Fact]
    public async Task Drop_duplicate_delay_and_reorder_switches()
    {
        (await _emulator.AdminAsync("faults/callbacks", new { mode = "Drop", count = 1 })).EnsureSuccessStatusCode();
        var dropped = await UploadImageAsync();
        await _emulator.Host.WaitForCallbacksAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(_receiver.Requests);

        (await _emulator.AdminAsync("faults/callbacks", new { mode = "Duplicate", count = 1 })).EnsureSuccessStatusCode();
        var duplicated = await UploadImageAsync();
        var afterDuplicate = await EventsAsync(2);
        Assert.Equal(2, afterDuplicate.Count(e => e.GetProperty("ImageId").GetString() == duplicated));

        (await _emulator.AdminAsync("faults/callbacks", new { mode = "Delay", count = 1, delayMilliseconds = 600 })).EnsureSuccessStatusCode();
        var started = DateTime.UtcNow;
        var delayed = await UploadImageAsync();
        await EventsAsync(3);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(550));

        (await _emulator.AdminAsync("faults/callbacks", new { mode = "Reorder", count = 2 })).EnsureSuccessStatusCode();
        var one = await UploadImageAsync();
        var two = await UploadImageAsync();
        var all = await EventsAsync(5);
        Assert.Equal([two, one], all.Skip(3).Select(e => e.GetProperty("ImageId").GetString()));

        using var state = _emulator.State();
        Assert.Contains(state.RootElement.GetProperty("callbacks").EnumerateArray(), a => a.GetProperty("mediaId").GetString() == dropped && a.GetProperty("result").GetString() == "dropped");
        Assert.Contains(all, e => e.GetProperty("ImageId").GetString() == delayed);
    }

    [Fact]
    public async Task Callbacks_are_signed_over_the_configured_url_exactly_as_written_percent_escapes_included()
    {
        // A receiver checks md5(its own URL|timestamp|key) over the URL as configured; a decoded copy would not match.
        var written = new Uri(_receiver.BaseUri, "api/vod/callback%2Fcms").ToString().Replace("callback%2Fcms", "callback%2Fcms%20v2?tenant=a%2Fb&code=x%3Dy", StringComparison.Ordinal);
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.CallbackUrl = EmulatorOptions.Parse(["--callback-url", written], _ => null).CallbackUrl;
            o.CallbackAuthKey = Key;
        });
        var image = await emulator.Vod.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = "default" });
        await emulator.Oss.PutObjectAsync(OssObjectLocation.From(image.DecodeAddress()), new MemoryStream(new byte[10]), 10, image.DecodeAuth().Credential);
        await Poll.UntilAsync(() => _receiver.Requests.Count >= 1, "the image event arrives");

        var request = _receiver.Requests[0];
        Assert.Equal(written[written.IndexOf("/api/", StringComparison.Ordinal)..], request.RawTarget);
        Assert.Equal(CallbackDispatcher.Sign(written, request.Header("x-vod-timestamp")!, Key), request.Header("x-vod-signature"));

        // The same when the URL is changed at run time.
        var changed = written.Replace("tenant=a%2Fb", "tenant=c%2Fd", StringComparison.Ordinal);
        (await emulator.AdminAsync("config/callback", new { url = changed, authKey = Key })).EnsureSuccessStatusCode();
        var second = await emulator.Vod.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = "default" });
        await emulator.Oss.PutObjectAsync(OssObjectLocation.From(second.DecodeAddress()), new MemoryStream(new byte[10]), 10, second.DecodeAuth().Credential);
        await Poll.UntilAsync(() => _receiver.Requests.Count >= 2, "the second image event arrives");

        var again = _receiver.Requests[1];
        Assert.Equal(CallbackDispatcher.Sign(changed, again.Header("x-vod-timestamp")!, Key), again.Header("x-vod-signature"));
        await emulator.Host.WaitForCallbacksAsync(TimeSpan.FromSeconds(15));
        using var state = emulator.State();
        Assert.Equal(changed, state.RootElement.GetProperty("callbacks").EnumerateArray().Last().GetProperty("url").GetString());
    }
}
