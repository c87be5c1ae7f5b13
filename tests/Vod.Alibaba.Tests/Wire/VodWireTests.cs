using System.Text;
using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Sts;
using Vod.Testing;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Alibaba.Tests.Wire;

/// <summary>Our VOD and STS clients against a real loopback HTTP server answering in VOD's own formats.</summary>
public sealed class VodWireTests : IAsyncLifetime
{
    private const string Secret = "wire-test-secret-XYZ";
    private const string Token = "CAISwireTestSecurityToken+/=";
    private RecordingServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await RecordingServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private VodClient Client(bool sts = false, HttpMethod? method = null, TimeSpan? timeout = null) =>
        new(_http, new AlibabaCredential(sts ? "STS.wire" : "LTAIwire", Secret, sts ? Token : null),
            new VodClientOptions { Endpoint = _server.BaseUri, HttpMethod = method ?? HttpMethod.Get, Timeout = timeout ?? TimeSpan.FromSeconds(10) });

    [Fact]
    public async Task CreateUploadVideo_sends_a_signed_get_and_decodes_the_answer()
    {
        // Arrange
        var address = new UploadAddress(new Uri("https://oss-cn-shanghai.aliyuncs.com"), "outin-0123", "sv/abc/abc.mp4");
        var auth = new UploadAuth("STS.upload", "upload-secret", "upload-token", "3000", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), "cn-shanghai");
        _server.Respond = _ => new ScriptedResponse(200, JsonSerializer.Serialize(new { RequestId = "R-1", VideoId = "abc", UploadAddress = address.Encode(), UploadAuth = auth.Encode() }));

        // Act
        var response = await Client().CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "Launch 发布会", FileName = "launch.mp4", FileSize = 123, Tags = ["a", "b"] });

        // Assert
        var request = _server.Last;
        Assert.Equal("GET", request.Method);
        Assert.Contains("Action=CreateUploadVideo", request.RawTarget);
        Assert.Contains("Title=Launch%20%E5%8F%91%E5%B8%83%E4%BC%9A", request.RawTarget);
        Assert.Contains("Tags=a%2Cb", request.RawTarget);
        Assert.Contains("&Signature=", request.RawTarget);
        Assert.Equal("abc", response.VideoId);
        Assert.Equal(address, response.DecodeAddress());
        Assert.Equal("upload-token", response.DecodeAuth().Credential.SecurityToken);
        Assert.DoesNotContain("upload-secret", response.ToString());
    }

    [Fact]
    public async Task Post_puts_every_parameter_in_a_form_body()
    {
        _server.Respond = _ => new ScriptedResponse(200, """{"RequestId":"R","Video":{"VideoId":"v1","Status":"Normal","Size":"42","Duration":12.5}}""");

        var info = await Client(sts: true, method: HttpMethod.Post).GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = "v1" });

        var request = _server.Last;
        Assert.Equal("/", request.RawTarget);
        Assert.Equal("application/x-www-form-urlencoded", request.Header("content-type"));
        var body = Encoding.UTF8.GetString(request.Body);
        Assert.Contains("SecurityToken=" + Signing.AcsPercentEncoding.Encode(Token), body);
        Assert.Contains("VideoId=v1", body);
        Assert.Equal("Normal", info.Video.Status);
        Assert.Equal(42, info.Video.Size);
    }

    [Fact]
    public async Task AssumeRole_returns_temporary_credentials()
    {
        _server.Respond = _ => new ScriptedResponse(200, """
            {"RequestId":"R","AssumedRoleUser":{"Arn":"acs:ram::1:role/vod/s","AssumedRoleId":"3:s"},
             "Credentials":{"SecurityToken":"sts-token-value","AccessKeyId":"STS.NU","AccessKeySecret":"sts-secret-value","Expiration":"2026-11-25T05:00:00Z"}}
            """);
        var sts = new StsClient(_http, new AlibabaCredential("LTAIram", Secret), new StsClientOptions { Endpoint = _server.BaseUri });

        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1234567890:role/vod-upload", RoleSessionName = "browser-1", Duration = TimeSpan.FromHours(1) });

        Assert.Contains("Action=AssumeRole", _server.Last.RawTarget);
        Assert.Contains("Version=2015-04-01", _server.Last.RawTarget);
        Assert.Contains("DurationSeconds=3600", _server.Last.RawTarget);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 5, 0, 0, TimeSpan.Zero), response.Credentials.Expiration);
        Assert.Equal("sts-token-value", response.Credentials.ToCredential().SecurityToken);
        Assert.DoesNotContain("sts-secret-value", response.ToString() + response.Credentials);
    }

    public static TheoryData<int, string, bool, AlibabaErrorKind> VodErrors => new()
    {
        // Gateway errors (alibaba-protocols.md 1.6).
        { 400, "SignatureDoesNotMatch", false, AlibabaErrorKind.Fatal },
        { 400, "IncompleteSignature", false, AlibabaErrorKind.Fatal },
        { 404, "InvalidAccessKeyId.NotFound", false, AlibabaErrorKind.Fatal },
        { 404, "InvalidAccessKeyId.NotFound", true, AlibabaErrorKind.CredentialExpired },
        { 400, "InvalidAccessKeyId.Inactive", false, AlibabaErrorKind.Fatal },
        { 400, "InvalidTimeStamp.Format", false, AlibabaErrorKind.Fatal },
        { 400, "InvalidTimeStamp.Expired", false, AlibabaErrorKind.Fatal },
        { 400, "SignatureNonceUsed", false, AlibabaErrorKind.Retryable },
        { 400, "MissingParameter", false, AlibabaErrorKind.Fatal },
        { 400, "InvalidParameter", false, AlibabaErrorKind.Fatal },
        { 400, "Throttling", false, AlibabaErrorKind.Retryable },
        { 503, "Throttling", false, AlibabaErrorKind.Retryable },
        { 400, "Throttling.User", false, AlibabaErrorKind.Retryable },
        { 400, "Throttling.Api", false, AlibabaErrorKind.Retryable },
        { 403, "Forbidden", false, AlibabaErrorKind.Fatal },
        { 403, "Forbidden.RAM", false, AlibabaErrorKind.Fatal },
        { 400, "InvalidSecurityToken.Expired", true, AlibabaErrorKind.CredentialExpired },
        { 400, "InvalidSecurityToken.Malformed", true, AlibabaErrorKind.Fatal },
        { 400, "InvalidSecurityToken.MismatchWithAccessKey", true, AlibabaErrorKind.Fatal },
        { 500, "InternalError", false, AlibabaErrorKind.Retryable },
        { 503, "ServiceUnAvailable", false, AlibabaErrorKind.Retryable },
        { 403, "OperationDenied", false, AlibabaErrorKind.Fatal },
        { 403, "OperationDenied.Suspended", false, AlibabaErrorKind.Fatal },

        // Operation errors (2.1–2.5).
        { 400, "InvalidFileName.Extension", false, AlibabaErrorKind.Fatal },
        { 400, "IllegalCharacters", false, AlibabaErrorKind.Fatal },
        { 400, "LengthExceededMax", false, AlibabaErrorKind.Fatal },
        { 400, "TagsExceededMax", false, AlibabaErrorKind.Fatal },
        { 404, "InvalidTemplateGroupId.NotFound", false, AlibabaErrorKind.Fatal },
        { 404, "InvalidStorage.NotFound", false, AlibabaErrorKind.Fatal },
        { 403, "Forbidden.InitFailed", false, AlibabaErrorKind.Fatal },
        { 503, "AddVideoFailed", false, AlibabaErrorKind.Retryable },
        { 404, "InvalidVideo.NotFound", false, AlibabaErrorKind.MediaGone },
        { 400, "InvalidVideo.Damaged", false, AlibabaErrorKind.Fatal },
        { 400, "InvalidParameter.UploadURLs", false, AlibabaErrorKind.Fatal },
    };

    [Theory]
    [MemberData(nameof(VodErrors))]
    public async Task Every_documented_vod_error_is_typed_and_classified(int status, string code, bool sts, AlibabaErrorKind kind)
    {
        // Arrange: VOD's JSON error envelope; the signature error echoes a string to sign containing the token.
        var echo = code == "SignatureDoesNotMatch"
            ? "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&SecurityToken%3D" + Signing.AcsPercentEncoding.Encode(Signing.AcsPercentEncoding.Encode(Token))
            : $"Message for {code} with secret {Secret}";
        _server.Respond = _ => new ScriptedResponse(status, JsonSerializer.Serialize(new { RequestId = "REQ-" + code, HostId = "vod.cn-shanghai.aliyuncs.com", Code = code, Message = echo, Recommend = "https://error-center.example/" + code }));

        // Act
        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => Client(sts).RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = "v" }));

        // Assert
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("REQ-" + code, error.RequestId);
        Assert.Equal("vod.cn-shanghai.aliyuncs.com", error.HostId);
        Assert.Equal(AlibabaService.Vod, error.Service);
        Assert.Equal("RefreshUploadVideo", error.Operation);
        Assert.Equal(kind, error.Kind);
        var everything = error.ToString() + error.ServiceMessage;
        Assert.DoesNotContain(Secret, everything);
        Assert.DoesNotContain("CAISwire", everything);
    }

    [Fact]
    public async Task A_200_with_an_error_code_is_still_an_error()
    {
        _server.Respond = _ => new ScriptedResponse(200, """{"RequestId":"R","Code":"InvalidVideo.NotFound","Message":"The video not exist."}""");

        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => Client().GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = "gone" }));

        Assert.Equal(AlibabaErrorKind.MediaGone, error.Kind);
    }

    [Fact]
    public async Task A_gateway_html_page_is_a_retryable_error()
    {
        _server.Respond = _ => new ScriptedResponse(502, "<html>Bad Gateway</html>", ContentType: "text/html");

        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => Client().GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = "v" }));

        Assert.Equal(AlibabaErrorKind.Retryable, error.Kind);
        Assert.Equal(502, error.StatusCode);
    }

    [Fact]
    public async Task A_slow_service_times_out_as_retryable()
    {
        _server.Respond = _ => new ScriptedResponse(200, "{}", Delay: TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => Client(timeout: TimeSpan.FromMilliseconds(200)).GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = "v" }));

        Assert.Equal(AlibabaErrorClassifier.TimeoutErrorCode, error.Code);
        Assert.Equal(AlibabaErrorKind.Retryable, error.Kind);
        Assert.Equal(0, error.StatusCode);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_service_error()
    {
        _server.Respond = _ => new ScriptedResponse(200, "{}", Delay: TimeSpan.FromSeconds(5));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = "v" }, cancel.Token));
    }

    [Fact]
    public async Task A_refused_connection_is_a_retryable_network_error()
    {
        var closed = new VodClient(_http, new AlibabaCredential("LTAI", Secret), new VodClientOptions { Endpoint = new Uri("http://127.0.0.1:1") });

        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => closed.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = "v" }));

        Assert.Equal(AlibabaErrorClassifier.NetworkErrorCode, error.Code);
        Assert.Equal(AlibabaErrorKind.Retryable, error.Kind);
    }

    [Fact]
    public async Task Invalid_requests_fail_before_anything_is_sent()
    {
        var before = _server.Requests.Count;

        await Assert.ThrowsAsync<AlibabaRequestValidationException>(() => Client().CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "t", FileName = "virus.exe" }));

        Assert.Equal(before, _server.Requests.Count);
    }
}
