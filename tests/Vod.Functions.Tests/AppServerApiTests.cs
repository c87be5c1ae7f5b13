using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi;
using Vod.Emulator;
using Vod.Functions.Api;
using Vod.Functions.Identity;
using Vod.Functions.Records;
using Vod.Testing;

namespace Vod.Functions.Tests;

/// <summary>The AppServer endpoints the JavaScript upload SDK calls, against the emulator, driving ali-oss.</summary>
public sealed class AppServerApiTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private Azurite _azurite = null!;
    private MediaRecordStore _records = null!;
    private HttpClient _http = null!;
    private VodClient _vod = null!;
    private StsClient _sts = null!;
    private IOptions<VodFunctionsOptions> _options = null!;
    private AppServerApi _api = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0" });
        _azurite = await Azurite.StartAsync();
        _records = new MediaRecordStore(new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "AppServerMedia"), TimeProvider.System);
        _http = new HttpClient();
        var endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority));
        var account = new AlibabaCredential(_emulator.Options.AccessKeyId, _emulator.Options.AccessKeySecret);
        var options = Options.Create(new VodFunctionsOptions
        {
            AccessKeyId = account.AccessKeyId, AccessKeySecret = account.AccessKeySecret, Endpoint = endpoint,
            CallbackPublicUrl = new Uri("https://vod-app.example.net/api/vod/callback"),
            StsRoleArn = "acs:ram::1234567890123456:role/vod-browser-upload", StsDurationSeconds = 900,
        });
        _vod = new VodClient(_http, account, new VodClientOptions { Endpoint = endpoint });
        _sts = new StsClient(_http, account, new StsClientOptions { Endpoint = endpoint });
        _options = options;
        _api = Api();
    }

    /// <summary>The endpoints behind App Service Authentication (what a deployed app trusts), with generous limits.</summary>
    private AppServerApi Api(int perMinute = 1000, int perDay = 1000, TimeProvider? time = null) =>
        new(_vod, _sts, _records,
            new MediaConfirmations(new VodMediaFacts(_vod), _records, new ConfirmationBudget(100, TimeProvider.System), TimeSpan.Zero, TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<MediaConfirmations>.Instance),
            new AppServiceAuthenticationIdentity(platformAuthenticationEnabled: true),
            new CallerQuota(new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "AppServerQuotas"), perMinute, perDay, TimeProvider.System), _options,
            time ?? TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<AppServerApi>.Instance);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private static HttpRequest Request(string body, string? caller = "alice") => Request(Encoding.UTF8.GetBytes(body), caller);

    private static HttpRequest Request(byte[] bytes, string? caller = "alice")
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        if (caller is not null)
        {
            // What App Service Authentication sets for a signed-in user.
            context.Request.Headers["X-MS-CLIENT-PRINCIPAL-ID"] = caller;
            context.Request.Headers["X-MS-CLIENT-PRINCIPAL-IDP"] = "aad";
        }

        return context.Request;
    }

    private static (int Status, string? Code) Problem(IActionResult result)
    {
        var problem = Assert.IsType<ObjectResult>(result);
        return (problem.StatusCode ?? 0, ((ProblemDetails)problem.Value!).Extensions["code"]?.ToString());
    }

    private static JsonElement Json(IActionResult result) =>
        JsonDocument.Parse(Assert.IsType<ContentResult>(result).Content!).RootElement;

    [Fact]
    public async Task Video_auth_drives_ali_oss_and_refresh_resumes_an_upload_whose_credentials_expired()
    {
        // Arrange: a file the browser would pick.
        var file = Path.Combine(Directory.CreateTempSubdirectory("appserver-").FullName, "clip.mp4");
        var data = new byte[10 * 102400 + 77];
        new Random(11).NextBytes(data);
        await File.WriteAllBytesAsync(file, data);

        // Act 1: createUrl, then ali-oss uploads three parts and stops.
        var body = """{"title":"From the browser","fileName":"clip.mp4","fileSize":SIZE,"tags":"web, upload","userData":"{\"Extend\":{\"page\":\"editor\"}}"}""".Replace("SIZE", data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var created = Json(await _api.UploadVideoAuth(Request(body)));
        var started = await NodeScript.RunJsonAsync("interop/appserver-upload.js",
            ["start", "--address", created.GetProperty("UploadAddress").GetString()!, "--auth", created.GetProperty("UploadAuth").GetString()!, "--file", file, "--stopAfter", "3"], TimeSpan.FromMinutes(1));

        // Act 2: the credentials expire; refreshUrl gives new ones for the same address; the upload resumes.
        (await _http.PostAsync(new Uri(_emulator.BaseUri, "_emulator/credentials/expire-all"), new StringContent("{}"))).EnsureSuccessStatusCode();
        var videoId = created.GetProperty("VideoId").GetString()!;
        var refreshed = Json(await _api.RefreshUploadVideoAuth(Request($$"""{"videoId":"{{videoId}}"}""")));
        var resumed = await NodeScript.RunJsonAsync("interop/appserver-upload.js",
            ["resume", "--address", refreshed.GetProperty("UploadAddress").GetString()!, "--auth", refreshed.GetProperty("UploadAuth").GetString()!,
                "--oldAuth", created.GetProperty("UploadAuth").GetString()!, "--file", file, "--checkpoint", started.RootElement.GetProperty("checkpoint").GetRawText()], TimeSpan.FromMinutes(1));

        // Assert
        Assert.Equal(["RequestId", "UploadAddress", "UploadAuth", "VideoId"], created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(videoId, refreshed.GetProperty("VideoId").GetString());
        Assert.Equal(created.GetProperty("UploadAddress").GetString(), refreshed.GetProperty("UploadAddress").GetString());
        Assert.Equal("SecurityTokenExpired", resumed.RootElement.GetProperty("expired").GetString());
        Assert.Equal(200, resumed.RootElement.GetProperty("status").GetInt32());
        var media = _emulator.State.Media[videoId];
        Assert.Equal("From the browser", media.Title);
        Assert.Equal("web,upload", media.Tags);
        Assert.Equal("https://vod-app.example.net/api/vod/callback", media.CallbackUrl);
        Assert.Contains("\"source\":\"browser\"", media.Extend);
        Assert.Contains("\"page\":\"editor\"", media.Extend);
        Assert.Equal(data, File.ReadAllBytes(_emulator.State.Objects.Values.Single().FilePath));
        var record = await _records.GetAsync("video", videoId, CancellationToken.None);
        Assert.Equal(("browser", "From the browser", "aad/alice"), (record!.Source, record.Title, record.Owner));
        var received = Assert.Single(_emulator.State.PartUploadsReceived.Values);
        Assert.All(received.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Image_auth_and_sts_token_have_the_shapes_the_sdk_reads()
    {
        var image = Json(await _api.UploadImageAuth(Request("""{"imageType":"cover","imageExt":"jpg","title":"poster"}""")));
        var token = Json(await _api.StsToken(Request("")));

        Assert.Equal(["FileURL", "ImageId", "ImageURL", "RequestId", "UploadAddress", "UploadAuth"], image.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var info = token.GetProperty("SecurityTokenInfo");
        Assert.Equal(["AccessKeyId", "AccessKeySecret", "Expiration", "SecretToken"], info.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.StartsWith("STS.", info.GetProperty("AccessKeyId").GetString());
        Assert.InRange(DateTimeOffset.Parse(info.GetProperty("Expiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
    }

    [Theory]
    [InlineData("UploadVideoAuth", """{"title":"t","fileName":"virus.exe"}""", 400, "InvalidFileName")]
    [InlineData("UploadVideoAuth", "not json", 400, "InvalidJson")]
    [InlineData("UploadVideoAuth", """{"fileName":"a.mp4","userData":"[1"}""", 400, "InvalidUserData")]
    [InlineData("UploadVideoAuth", """{"fileName":"a.mp4","userData":"[1]"}""", 400, "InvalidUserData")]
    [InlineData("UploadVideoAuth", """{"fileName":"a.mp4","userData":"{\"Extend\":{\"uploadId\":\"upl-other\"}}"}""", 400, "InvalidUserData")]
    [InlineData("UploadVideoAuth", """{"fileName":"a.mp4","userData":"{\"Extend\":{\"source\":\"blob\"}}"}""", 400, "InvalidUserData")]
    [InlineData("UploadVideoAuth", """{"fileName":"a.mp4","fileSize":"big"}""", 400, "InvalidJson")]
    [InlineData("RefreshUploadVideoAuth", """{"videoId":"ffffffffffffffffffffffffffffffff"}""", 404, "NotFound")]
    [InlineData("RefreshUploadVideoAuth", """{"videoId":"../../x"}""", 400, "InvalidVideoId")]
    [InlineData("RefreshUploadVideoAuth", "{}", 400, "InvalidVideoId")]
    [InlineData("UploadImageAuth", """{"imageType":"poster"}""", 400, "InvalidImageType")]
    public async Task Bad_input_gets_problem_details(string endpoint, string body, int status, string code)
    {
        var result = endpoint switch
        {
            "UploadVideoAuth" => await _api.UploadVideoAuth(Request(body)),
            "RefreshUploadVideoAuth" => await _api.RefreshUploadVideoAuth(Request(body)),
            _ => await _api.UploadImageAuth(Request(body)),
        };

        var problem = Assert.IsType<ObjectResult>(result);
        Assert.Equal(status, problem.StatusCode);
        Assert.Equal(code, ((ProblemDetails)problem.Value!).Extensions["code"]);
    }

    [Fact]
    public async Task Refresh_is_only_for_the_callers_own_browser_video_while_it_uploads()
    {
        // Arrange: alice's video, a video this app never created (made straight through VOD), and a finished one.
        var alices = Json(await _api.UploadVideoAuth(Request("""{"title":"mine","fileName":"mine.mp4"}"""))).GetProperty("VideoId").GetString()!;
        var foreign = (await _vod.CreateUploadVideoAsync(new Vod.Alibaba.VodApi.Operations.CreateUploadVideoRequest { Title = "not ours", FileName = "n.mp4" })).VideoId;
        var finished = Json(await _api.UploadVideoAuth(Request("""{"title":"done","fileName":"done.mp4"}""")));
        var finishedId = finished.GetProperty("VideoId").GetString()!;
        var address = Vod.Alibaba.VodApi.UploadAddress.Decode(finished.GetProperty("UploadAddress").GetString()!);
        var auth = Vod.Alibaba.VodApi.UploadAuth.Decode(finished.GetProperty("UploadAuth").GetString()!);
        await new Vod.Alibaba.Oss.OssClient(_http, new Vod.Alibaba.Oss.OssClientOptions { Addressing = Vod.Alibaba.Oss.OssAddressingStyle.Automatic })
            .PutObjectAsync(Vod.Alibaba.Oss.OssObjectLocation.From(address), new MemoryStream(new byte[500]), 500, auth.Credential);

        // Act
        var own = await _api.RefreshUploadVideoAuth(Request($$"""{"videoId":"{{alices}}"}"""));
        var bobs = await _api.RefreshUploadVideoAuth(Request($$"""{"videoId":"{{alices}}"}""", caller: "bob"));
        var notOurs = await _api.RefreshUploadVideoAuth(Request($$"""{"videoId":"{{foreign}}"}"""));
        var done = await _api.RefreshUploadVideoAuth(Request($$"""{"videoId":"{{finishedId}}"}"""));
        var anonymous = await _api.RefreshUploadVideoAuth(Request($$"""{"videoId":"{{alices}}"}""", caller: null));

        // Assert
        Assert.Equal(alices, Json(own).GetProperty("VideoId").GetString());
        Assert.Equal((404, "NotFound"), Problem(bobs));
        Assert.Equal((404, "NotFound"), Problem(notOurs));
        Assert.Equal((409, "NotUploading"), Problem(done));
        Assert.Equal((401, "Unauthenticated"), Problem(anonymous));
    }

    [Fact]
    public async Task Each_caller_has_its_own_limit_and_the_answer_says_when_to_come_back()
    {
        var api = Api(perMinute: 2);

        var first = await api.UploadImageAuth(Request("""{"title":"1"}""", caller: "carol"));
        var second = await api.UploadImageAuth(Request("""{"title":"2"}""", caller: "carol"));
        var third = await api.UploadImageAuth(Request("""{"title":"3"}""", caller: "carol"));
        var someoneElse = await api.UploadImageAuth(Request("""{"title":"4"}""", caller: "dave"));

        Assert.IsType<ContentResult>(first);
        Assert.IsType<ContentResult>(second);
        Assert.Equal((429, "TooManyCredentialRequests"), Problem(third));
        Assert.IsType<ContentResult>(someoneElse);
        Assert.Equal(3, _emulator.State.Media.Count);
    }

    [Fact]
    public async Task Bodies_that_are_not_utf8_or_too_large_are_refused_before_vod_is_called()
    {
        var invalidUtf8 = Encoding.UTF8.GetBytes("""{"fileName":"a.mp4","title":"X"}""");
        invalidUtf8[invalidUtf8.Length - 4] = 0xFF;

        Assert.Equal((400, "InvalidJson"), Problem(await _api.UploadVideoAuth(Request(invalidUtf8))));
        Assert.Equal((413, "BodyTooLarge"), Problem(await _api.UploadVideoAuth(Request(new byte[AppServerApi.MaxBodyBytes + 1]))));
        Assert.Empty(_emulator.State.Media);
    }

    [Fact]
    public async Task The_sts_token_may_create_uploads_and_nothing_else_for_fifteen_minutes()
    {
        var info = Json(await _api.StsToken(Request(""))).GetProperty("SecurityTokenInfo");
        var token = new AlibabaCredential(info.GetProperty("AccessKeyId").GetString()!, info.GetProperty("AccessKeySecret").GetString()!, info.GetProperty("SecretToken").GetString());
        var browser = new VodClient(_http, token, new VodClientOptions { Endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority)) });

        var created = await browser.CreateUploadVideoAsync(new Vod.Alibaba.VodApi.Operations.CreateUploadVideoRequest { Title = "sts", FileName = "s.mp4" });
        var others = Json(await _api.UploadVideoAuth(Request("""{"title":"bob's","fileName":"b.mp4"}""", caller: "bob"))).GetProperty("VideoId").GetString()!;
        var refresh = await Assert.ThrowsAsync<Vod.Alibaba.Errors.AlibabaCloudException>(() => browser.RefreshUploadVideoAsync(new Vod.Alibaba.VodApi.Operations.RefreshUploadVideoRequest { VideoId = others }));
        var read = await Assert.ThrowsAsync<Vod.Alibaba.Errors.AlibabaCloudException>(() => browser.GetVideoInfoAsync(new Vod.Alibaba.VodApi.Operations.GetVideoInfoRequest { VideoId = created.VideoId }));
        var delete = await Assert.ThrowsAsync<Vod.Alibaba.Errors.AlibabaCloudException>(() => browser.DeleteVideoAsync(new Vod.Alibaba.VodApi.Operations.DeleteVideoRequest { VideoIds = [created.VideoId] }));

        Assert.False(string.IsNullOrEmpty(created.UploadAuth));
        Assert.Equal("Forbidden.RAM", refresh.Code);
        Assert.Equal("Forbidden.RAM", read.Code);
        Assert.Equal("Forbidden.RAM", delete.Code);
        var issued = _emulator.Credentials.Issued.Single(c => c.AccessKeyId == token.AccessKeyId);
        Assert.Equal(BrowserStsPolicy.Actions.Order(StringComparer.Ordinal), issued.AllowedActions!.Order(StringComparer.Ordinal));
        Assert.InRange(issued.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(15.5));
    }

    [Fact]
    public async Task In_sts_mode_the_caller_claims_the_video_its_browser_created_and_nobody_claims_it_after()
    {
        // Arrange: the browser creates a video with its STS token, as the SDK does in STS mode.
        var info = Json(await _api.StsToken(Request(""))).GetProperty("SecurityTokenInfo");
        var browser = new VodClient(_http, new AlibabaCredential(info.GetProperty("AccessKeyId").GetString()!, info.GetProperty("AccessKeySecret").GetString()!, info.GetProperty("SecretToken").GetString()),
            new VodClientOptions { Endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority)) });
        var videoId = (await browser.CreateUploadVideoAsync(new Vod.Alibaba.VodApi.Operations.CreateUploadVideoRequest { Title = "sts", FileName = "s.mp4" })).VideoId;
        var appVideo = Json(await _api.UploadVideoAuth(Request("""{"title":"app","fileName":"a.mp4"}""", caller: "erin"))).GetProperty("VideoId").GetString()!;
        var late = (await browser.CreateUploadVideoAsync(new Vod.Alibaba.VodApi.Operations.CreateUploadVideoRequest { Title = "late", FileName = "l.mp4" })).VideoId;

        // Act
        var claimed = await _api.ClaimVideo(Request($$"""{"videoId":"{{videoId}}"}"""));
        var again = await _api.ClaimVideo(Request($$"""{"videoId":"{{videoId}}"}"""));
        var bobs = await _api.ClaimVideo(Request($$"""{"videoId":"{{videoId}}"}""", caller: "bob"));
        var erins = await _api.ClaimVideo(Request($$"""{"videoId":"{{appVideo}}"}"""));
        var tooLate = await Api(time: new ShiftedTime(TimeSpan.FromHours(2))).ClaimVideo(Request($$"""{"videoId":"{{late}}"}"""));
        var unknown = await _api.ClaimVideo(Request("""{"videoId":"ffffffffffffffffffffffffffffffff"}"""));

        // Assert
        Assert.Equal("Uploading", Json(claimed).GetProperty("Status").GetString());
        Assert.Equal(videoId, Json(again).GetProperty("VideoId").GetString());
        Assert.Equal((404, "NotFound"), Problem(bobs));
        Assert.Equal((404, "NotFound"), Problem(erins));
        Assert.Equal((404, "NotFound"), Problem(tooLate));
        Assert.Equal(404, Problem(unknown).Status);
        var record = await _records.GetAsync("video", videoId, CancellationToken.None);
        Assert.Equal(("browser", "aad/alice", true), (record!.Source, record.Owner, record.Confirmed));
        Assert.Equal("aad/erin", (await _records.GetAsync("video", appVideo, CancellationToken.None))!.Owner);
        Assert.Null(await _records.GetAsync("video", late, CancellationToken.None));
    }

    [Fact]
    public async Task Without_an_sts_role_sts_tokens_and_claims_are_not_offered()
    {
        var api = new AppServerApi(_vod, _sts, _records,
            new MediaConfirmations(new VodMediaFacts(_vod), _records, new ConfirmationBudget(100, TimeProvider.System), TimeSpan.Zero, TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<MediaConfirmations>.Instance),
            new AppServiceAuthenticationIdentity(platformAuthenticationEnabled: true),
            new CallerQuota(new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "AppServerQuotas"), 100, 100, TimeProvider.System),
            Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y" }), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AppServerApi>.Instance);

        Assert.Equal((501, "StsNotConfigured"), Problem(await api.StsToken(Request(""))));
        Assert.Equal((501, "StsNotConfigured"), Problem(await api.ClaimVideo(Request("""{"videoId":"ffffffffffffffffffffffffffffffff"}"""))));
    }

    private sealed class ShiftedTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + offset;
    }
}
