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
using Vod.Testing;

namespace Vod.Functions.Tests;

/// <summary>The AppServer endpoints the JavaScript upload SDK calls, against the emulator, driving ali-oss.</summary>
public sealed class AppServerApiTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private Azurite _azurite = null!;
    private Records.MediaRecordStore _records = null!;
    private HttpClient _http = null!;
    private AppServerApi _api = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0" });
        _azurite = await Azurite.StartAsync();
        _records = new Records.MediaRecordStore(new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "AppServerMedia"), TimeProvider.System);
        _http = new HttpClient();
        var endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority));
        var account = new AlibabaCredential(_emulator.Options.AccessKeyId, _emulator.Options.AccessKeySecret);
        var options = Options.Create(new VodFunctionsOptions
        {
            AccessKeyId = account.AccessKeyId, AccessKeySecret = account.AccessKeySecret, Endpoint = endpoint,
            CallbackPublicUrl = new Uri("https://vod-app.example.net/api/vod/callback"),
            StsRoleArn = "acs:ram::1234567890123456:role/vod-browser-upload", StsDurationSeconds = 900,
        });
        _api = new AppServerApi(new VodClient(_http, account, new VodClientOptions { Endpoint = endpoint }), new StsClient(_http, account, new StsClientOptions { Endpoint = endpoint }), _records, options);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private static HttpRequest Request(string body)
    {
        var context = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        return context.Request;
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
        Assert.Equal(("browser", "From the browser"), (record!.Source, record.Title));
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
    [InlineData("RefreshUploadVideoAuth", """{"videoId":"ffffffffffffffffffffffffffffffff"}""", 404, "InvalidVideo.NotFound")]
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
}
