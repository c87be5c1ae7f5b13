using System.Text;
using Vod.Alibaba.Callbacks;

namespace Vod.Alibaba.Tests.Unit;

public sealed class VodCallbackTests
{
    private const string Url = "https://api.example.com/api/vod/callback";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);
    private static readonly string Ts = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Signature_matches_the_published_vector()
    {
        Assert.Equal("c72b60894140fa98920f1279219b7ed4", VodCallbackSignature.Compute("https://www.example.com/your/callback", "1519375990", "test123"));
    }

    [Theory]
    [InlineData("key-now", new[] { "key-now" }, 0, CallbackAuthResult.Valid)]
    [InlineData("key-old", new[] { "key-now", "key-old" }, 0, CallbackAuthResult.Valid)]
    [InlineData("key-bad", new[] { "key-now", "key-old" }, 0, CallbackAuthResult.BadSignature)]
    [InlineData("key-now", new[] { "key-now" }, 301, CallbackAuthResult.Stale)]
    [InlineData("key-now", new[] { "key-now" }, -301, CallbackAuthResult.Stale)]
    public void Keys_rotation_and_the_time_window_are_checked(string signingKey, string[] keys, int ageSeconds, CallbackAuthResult expected)
    {
        var ts = (Now.ToUnixTimeSeconds() - ageSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = VodCallbackSignature.Verify(Url, ts, VodCallbackSignature.Compute(Url, ts, signingKey), keys, TimeSpan.FromSeconds(300), Now, allowUnsigned: false);

        Assert.Equal(expected, result);
    }

    [Fact]
    public void The_signed_url_is_the_configured_one_not_another()
    {
        var signature = VodCallbackSignature.Compute("http://internal:7071/api/vod/callback", Ts, "k");

        Assert.Equal(CallbackAuthResult.BadSignature, VodCallbackSignature.Verify(Url, Ts, signature, ["k"], TimeSpan.FromMinutes(5), Now, false));
    }

    [Theory]
    [InlineData(null, "c72b60894140fa98920f1279219b7ed4")]
    [InlineData("1764000000", null)]
    [InlineData("soon", "c72b60894140fa98920f1279219b7ed4")]
    [InlineData("1764000000", "short")]
    public void Missing_or_malformed_headers_are_refused(string? ts, string? signature)
    {
        Assert.Equal(CallbackAuthResult.MissingHeaders, VodCallbackSignature.Verify(Url, ts, signature, ["k"], TimeSpan.FromMinutes(5), Now, false));
    }

    [Fact]
    public void Without_a_key_callbacks_are_refused_unless_unsigned_ones_are_allowed()
    {
        Assert.Equal(CallbackAuthResult.NoKeyConfigured, VodCallbackSignature.Verify(Url, null, null, [null, ""], TimeSpan.FromMinutes(5), Now, false));
        Assert.Equal(CallbackAuthResult.UnsignedAllowed, VodCallbackSignature.Verify(Url, null, null, [], TimeSpan.FromMinutes(5), Now, true));
    }

    [Fact]
    public void Payloads_parse_as_vod_really_sends_them()
    {
        var video = VodEventMessage.TryParse(Encoding.UTF8.GetBytes("""{"Status":"success","EventTime":"2017-03-20T07:49:17Z","EventType":"FileUploadComplete","VideoId":"v1","Size":1439213,"FileUrl":"http://b.oss-cn-shanghai.aliyuncs.com/k.mp4","Extend":"{\"uploadId\":\"upl-1\"}"}"""))!;
        var image = VodEventMessage.TryParse(Encoding.UTF8.GetBytes("""{"Status":"success","FileURL":"https://x/image/default/A.jpg","AppId":"app-1000000","EventType":"ImageUploadComplete","EventTime":"2024-04-10T01:37:14:627Z","Size":"105520","ImageId":"i1","Extend":{"uploadId":"upl-2"}}"""))!;
        var byUrl = VodEventMessage.TryParse(Encoding.UTF8.GetBytes("""{"Status":"fail","EventType":"UploadByURLComplete","JobId":"j1","SourceURL ":"https://s/x.mp4","ErrorCode ":"URLInvalidError"}"""))!;

        Assert.Equal(("FileUploadComplete", "v1", 1439213L, "upl-1"), (video.EventType, video.MediaId, video.Size!.Value, video.ExtendValue("uploadId")));
        Assert.Equal("http://b.oss-cn-shanghai.aliyuncs.com/k.mp4", video.FileUrl);
        Assert.Equal(new DateTimeOffset(2024, 4, 10, 1, 37, 14, 627, TimeSpan.Zero), image.EventTime);
        Assert.Equal(105520, image.Size);
        Assert.Equal("https://x/image/default/A.jpg", image.FileUrl);
        Assert.Equal("upl-2", image.ExtendValue("uploadId"));
        Assert.Equal("URLInvalidError", byUrl.ErrorCode);
        Assert.Equal("j1", byUrl.JobId);
    }

    [Theory]
    [InlineData("UploadByURLComplete")]
    [InlineData("URLUploadComplete")]
    public void Pull_completion_parses_under_both_names_with_trailing_space_keys(string eventType)
    {
        var failed = VodEventMessage.TryParse(Encoding.UTF8.GetBytes($$"""{"Status":"fail","EventTime":"2024-01-02T03:04:05Z","EventType":"{{eventType}}","JobId":"j2","SourceURL ":"https://s/y.mp4?se=x","ErrorCode ":"URLExpiredError","ErrorMessage ":"expired"}"""))!;
        var done = VodEventMessage.TryParse(Encoding.UTF8.GetBytes($$"""{"Status":"success","EventType":"{{eventType}}","VideoId":"v9","JobId":"j3","SourceURL":"https://s/z.mp4","Size":"123456"}"""))!;

        Assert.True(failed.IsPullCompletion);
        Assert.Equal(("j2", "https://s/y.mp4?se=x", "URLExpiredError", "expired", "fail"), (failed.JobId, failed.SourceUrl, failed.ErrorCode, failed.ErrorMessage, failed.Status));
        Assert.True(done.IsPullCompletion);
        Assert.Equal(("v9", "j3", 123456L), (done.MediaId, done.JobId, done.Size!.Value));
        Assert.False(VodEventMessage.IsPullCompletionType("FileUploadComplete"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"Status\":\"success\"}")]
    [InlineData("{not json")]
    public void Non_events_are_not_parsed(string body)
    {
        Assert.Null(VodEventMessage.TryParse(Encoding.UTF8.GetBytes(body)));
    }
}
