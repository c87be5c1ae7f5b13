using System.Globalization;
using System.Text;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Testing;

namespace Vod.Alibaba.Tests.Wire;

/// <summary>Our OSS client against a real loopback HTTP server answering with OSS's own XML and headers.</summary>
public sealed class OssWireTests : IAsyncLifetime
{
    private const string Secret = "oss-wire-secret-ABC";
    private const string Token = "CAISossWireToken+/=";
    private static readonly AlibabaCredential Sts = new("STS.wire", Secret, Token);
    private static readonly AlibabaCredential Plain = new("LTAIwire", Secret);
    private RecordingServer _server = null!;
    private readonly HttpClient _http = new();
    private OssClient _client = null!;
    private OssObjectLocation _object = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingServer.StartAsync();
        _client = new OssClient(_http, new OssClientOptions { Addressing = OssAddressingStyle.PathStyle });
        _object = new OssObjectLocation(_server.BaseUri, "outin-bucket", "sv/视频 1/a+b.mp4");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static string ErrorXml(string code, string message) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Error>
          <Code>{code}</Code>
          <Message>{message}</Message>
          <RequestId>5C3D9175B6FC201293AD4890</RequestId>
          <HostId>outin-bucket.oss-cn-shanghai.aliyuncs.com</HostId>
          <SecurityToken>{Token}</SecurityToken>
          <EC>0002-00000007</EC>
        </Error>
        """;

    [Fact]
    public async Task UploadPart_streams_the_exact_bytes_with_md5_and_keeps_the_etag_opaque()
    {
        // Arrange
        var data = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        var source = new MemoryStream(data) { Position = 1000 };
        var partBytes = data.AsSpan(1000, 250_000).ToArray();
        _server.Respond = _ => new ScriptedResponse(200, null, new Dictionary<string, string>
        {
            ["ETag"] = "\"3E1372A912B4BC86E8A51234AEC0CA0C\"",
            ["x-oss-hash-crc64ecma"] = Crc64Ecma.Format(Crc64Ecma.Compute(partBytes)),
            ["x-oss-request-id"] = "RID",
        });

        // Act
        var result = await _client.UploadPartAsync(_object, "UPLOAD1", 3, source, 250_000, Sts, new OssRequestOptions { ContentMd5 = ContentMd5.Compute(partBytes), Notification = "eyJWb2QiOnt9fQ==" });

        // Assert
        var request = _server.Last;
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/outin-bucket/sv/%E8%A7%86%E9%A2%91%201/a%2Bb.mp4?partNumber=3&uploadId=UPLOAD1", request.RawTarget);
        Assert.Equal(partBytes, request.Body);
        Assert.Equal(ContentMd5.Compute(partBytes), request.Header("content-md5"));
        Assert.Equal(Token, request.Header("x-oss-security-token"));
        Assert.Equal("eyJWb2QiOnt9fQ==", request.Header("x-oss-notification"));
        Assert.StartsWith("OSS STS.wire:", request.Header("authorization"));
        Assert.NotNull(request.Header("x-oss-date"));
        Assert.Equal("\"3E1372A912B4BC86E8A51234AEC0CA0C\"", result.ETag);
        Assert.Equal(Crc64Ecma.Compute(partBytes), result.Crc64);
        Assert.Equal(251_000, source.Position);
    }

    [Fact]
    public async Task A_source_shorter_than_declared_fails_instead_of_sending_a_short_part()
    {
        _server.Respond = _ => new ScriptedResponse(200, null, new Dictionary<string, string> { ["ETag"] = "\"X\"" });

        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => _client.UploadPartAsync(_object, "U", 1, new MemoryStream(new byte[10]), 20, Plain));

        Assert.Equal(AlibabaErrorKind.Retryable, error.Kind);
    }

    [Fact]
    public async Task Initiate_and_complete_speak_the_documented_xml()
    {
        _server.Respond = r => r.RawTarget.EndsWith("?uploads", StringComparison.Ordinal)
            ? new ScriptedResponse(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult><Bucket>outin-bucket</Bucket><Key>k</Key><UploadId>0004B999EF5A239BB9138C6227D69F95</UploadId></InitiateMultipartUploadResult>", ContentType: "application/xml")
            : new ScriptedResponse(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult><Location>http://outin-bucket.oss-cn-shanghai.aliyuncs.com/k</Location><Bucket>outin-bucket</Bucket><Key>k</Key><ETag>\"XML-ETAG\"</ETag></CompleteMultipartUploadResult>", new Dictionary<string, string>
            {
                ["ETag"] = "\"HEADER-ETAG-2\"",
                ["x-oss-hash-crc64ecma"] = "11051210869376104954",
            }, "application/xml");

        var uploadId = await _client.InitiateMultipartUploadAsync(_object, Sts, new OssRequestOptions { ContentType = "video/mp4", Metadata = new Dictionary<string, string> { ["Source-ETag"] = "0x8D" } });
        var initiate = _server.Last;
        var complete = await _client.CompleteMultipartUploadAsync(_object, uploadId, [new(2, "\"B\""), new(1, "\"A\""), new(2, "\"B2\"")], Sts);

        Assert.Equal("0004B999EF5A239BB9138C6227D69F95", uploadId);
        Assert.Equal("POST", initiate.Method);
        Assert.Equal("video/mp4", initiate.Header("content-type"));
        Assert.Equal("0x8D", initiate.Header("x-oss-meta-source-etag"));
        var body = Encoding.UTF8.GetString(_server.Last.Body);
        Assert.Equal("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>\n<Part>\n<PartNumber>1</PartNumber>\n<ETag>\"A\"</ETag>\n</Part>\n<Part>\n<PartNumber>2</PartNumber>\n<ETag>\"B2\"</ETag>\n</Part>\n</CompleteMultipartUpload>", body);
        Assert.Equal(ContentMd5.Compute(_server.Last.Body), _server.Last.Header("content-md5"));
        Assert.Equal("\"HEADER-ETAG-2\"", complete.ETag);
        Assert.Equal(11051210869376104954UL, complete.Crc64);
    }

    [Fact]
    public async Task ListAllParts_follows_the_pages()
    {
        _server.Respond = r =>
        {
            var marker = r.RawTarget.Contains("part-number-marker=", StringComparison.Ordinal)
                ? int.Parse(r.RawTarget[(r.RawTarget.IndexOf("part-number-marker=", StringComparison.Ordinal) + 19)..].Split('&')[0], CultureInfo.InvariantCulture)
                : 0;
            var parts = Enumerable.Range(marker + 1, Math.Min(1000, 2500 - marker)).Select(n =>
                $"<Part><PartNumber>{n}</PartNumber><LastModified>2026-11-25T04:00:00.000Z</LastModified><ETag>\"E{n}\"</ETag><Size>{102400 + n}</Size></Part>");
            var truncated = marker + 1000 < 2500;
            return new ScriptedResponse(200, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>U</UploadId><PartNumberMarker>{marker}</PartNumberMarker><NextPartNumberMarker>{marker + 1000}</NextPartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>{(truncated ? "true" : "false")}</IsTruncated>{string.Concat(parts)}</ListPartsResult>", ContentType: "application/xml");
        };

        var parts = await _client.ListAllPartsAsync(_object, "U", Sts);

        Assert.Equal(2500, parts.Count);
        Assert.Equal(Enumerable.Range(1, 2500), parts.Select(p => p.PartNumber));
        Assert.Equal("\"E2500\"", parts[^1].ETag);
        Assert.Equal(102400 + 7, parts[6].Size);
        Assert.Equal(3, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Contains("max-parts=1000", r.RawTarget));
    }

    [Fact]
    public async Task Head_reads_metadata_and_an_expired_token_arrives_in_the_x_oss_err_header()
    {
        _server.Respond = _ => new ScriptedResponse(200, null, new Dictionary<string, string>
        {
            ["ETag"] = "\"ABC-3\"",
            ["x-oss-object-type"] = "Multipart",
            ["x-oss-hash-crc64ecma"] = "2838902930144391966",
            ["x-oss-meta-title"] = "hello",
            ["Content-Length"] = "0",
        });
        var metadata = await _client.HeadObjectAsync(_object, Sts);
        Assert.Equal("Multipart", metadata.ObjectType);
        Assert.Equal(2838902930144391966UL, metadata.Crc64);
        Assert.Equal("hello", metadata.Metadata["title"]);

        _server.Respond = _ => new ScriptedResponse(403, null, new Dictionary<string, string>
        {
            ["x-oss-err"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ErrorXml("SecurityTokenExpired", "The security token you provided has expired."))),
            ["x-oss-request-id"] = "RID",
        });
        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => _client.HeadObjectAsync(_object, Sts));
        Assert.Equal("SecurityTokenExpired", error.Code);
        Assert.Equal(AlibabaErrorKind.CredentialExpired, error.Kind);

        _server.Respond = _ => new ScriptedResponse(404);
        Assert.Equal("NoSuchKey", (await Assert.ThrowsAsync<AlibabaCloudException>(() => _client.HeadObjectAsync(_object, Sts))).Code);
    }

    [Fact]
    public async Task Ranged_get_sends_the_range_and_streams_the_body()
    {
        _server.Respond = _ => new ScriptedResponse(206, "bcd", new Dictionary<string, string>
        {
            ["Content-Range"] = "bytes 1-3/10",
            ["x-oss-hash-crc64ecma"] = "11051210869376104954",
        }, "application/octet-stream");

        await using var content = await _client.GetObjectAsync(_object, Plain, OssByteRange.Between(1, 3));
        using var reader = new StreamReader(content.Body);

        Assert.Equal("bytes=1-3", _server.Last.Header("range"));
        Assert.Equal("bcd", await reader.ReadToEndAsync());
        Assert.Equal("bytes 1-3/10", content.ContentRange);
        Assert.Equal(11051210869376104954UL, content.Metadata.Crc64);
    }

    public static TheoryData<int, string, bool, AlibabaErrorKind> OssErrors => new()
    {
        { 404, "NoSuchUpload", true, AlibabaErrorKind.UploadGone },
        { 404, "NoSuchKey", true, AlibabaErrorKind.Fatal },
        { 404, "NoSuchBucket", true, AlibabaErrorKind.Fatal },
        { 400, "InvalidPart", true, AlibabaErrorKind.Fatal },
        { 400, "InvalidPartOrder", true, AlibabaErrorKind.Fatal },
        { 400, "EntityTooSmall", true, AlibabaErrorKind.Fatal },
        { 400, "EntityTooLarge", true, AlibabaErrorKind.Fatal },
        { 400, "InvalidDigest", true, AlibabaErrorKind.Retryable },
        { 400, "MalformedXML", true, AlibabaErrorKind.Fatal },
        { 400, "InvalidArgument", true, AlibabaErrorKind.Fatal },
        { 403, "AccessDenied", true, AlibabaErrorKind.Fatal },
        { 403, "SignatureDoesNotMatch", true, AlibabaErrorKind.Fatal },
        { 403, "InvalidAccessKeyId", true, AlibabaErrorKind.CredentialExpired },
        { 403, "InvalidAccessKeyId", false, AlibabaErrorKind.Fatal },
        { 403, "SecurityTokenExpired", true, AlibabaErrorKind.CredentialExpired },
        { 403, "InvalidSecurityToken", true, AlibabaErrorKind.CredentialExpired },
        { 403, "RequestTimeTooSkewed", true, AlibabaErrorKind.Fatal },
        { 400, "RequestTimeout", true, AlibabaErrorKind.Retryable },
        { 500, "InternalError", true, AlibabaErrorKind.Retryable },
        { 503, "ServiceUnavailable", true, AlibabaErrorKind.Retryable },
    };

    [Theory]
    [MemberData(nameof(OssErrors))]
    public async Task Every_documented_oss_error_is_typed_and_classified(int status, string code, bool sts, AlibabaErrorKind kind)
    {
        // Arrange: the OSS error document, echoing the token as real SecurityTokenExpired bodies do.
        _server.Respond = _ => new ScriptedResponse(status, ErrorXml(code, $"{code} happened; echoed {(sts ? Token : Secret)}"), new Dictionary<string, string> { ["x-oss-request-id"] = "5C3D9175B6FC201293AD4890" }, "application/xml");

        // Act
        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => _client.UploadPartAsync(_object, "U", 1, new MemoryStream([1, 2, 3]), 3, sts ? Sts : Plain));

        // Assert
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("5C3D9175B6FC201293AD4890", error.RequestId);
        Assert.Equal("outin-bucket.oss-cn-shanghai.aliyuncs.com", error.HostId);
        Assert.Equal("0002-00000007", error.ErrorCodeDetail);
        Assert.Equal(AlibabaService.Oss, error.Service);
        Assert.Equal(kind, error.Kind);
        Assert.DoesNotContain("CAISoss", error.ToString());
        Assert.DoesNotContain(Secret, error.ToString());
    }

    [Fact]
    public async Task Abort_and_delete_use_the_documented_verbs()
    {
        _server.Respond = _ => new ScriptedResponse(204);

        await _client.AbortMultipartUploadAsync(_object, "U-9", Sts);
        var abort = _server.Last;
        await _client.DeleteObjectAsync(_object, Sts);

        Assert.Equal("DELETE", abort.Method);
        Assert.EndsWith("?uploadId=U-9", abort.RawTarget);
        Assert.Equal("DELETE", _server.Last.Method);
        Assert.DoesNotContain("?", _server.Last.RawTarget);
    }

    [Fact]
    public void Addressing_styles_place_the_bucket_where_each_server_expects_it()
    {
        var endpoint = new Uri("https://oss-cn-shanghai.aliyuncs.com");
        var location = new OssObjectLocation(endpoint, "outin-b", "sv/k.mp4");

        Uri UriFor(OssAddressingStyle style, out string? host)
        {
            var client = new OssClient(_http, new OssClientOptions { Addressing = style });
            using var request = client.Build(OssClient.ObjectSpec(HttpMethod.Get, location), Plain);
            host = request.Headers.Host;
            return request.RequestUri!;
        }

        Assert.Equal("https://outin-b.oss-cn-shanghai.aliyuncs.com/sv/k.mp4", UriFor(OssAddressingStyle.VirtualHosted, out _).ToString());
        Assert.Equal("https://oss-cn-shanghai.aliyuncs.com/outin-b/sv/k.mp4", UriFor(OssAddressingStyle.PathStyle, out _).ToString());
        Assert.Equal("https://oss-cn-shanghai.aliyuncs.com/sv/k.mp4", UriFor(OssAddressingStyle.BucketInHostHeader, out var host).ToString());
        Assert.Equal("outin-b.oss-cn-shanghai.aliyuncs.com", host);
    }

    [Fact]
    public void V4_derives_the_region_from_the_endpoint_or_asks_for_it()
    {
        Assert.Equal("cn-shanghai", OssRequestBuilder.ResolveRegion(new Uri("https://oss-cn-shanghai-internal.aliyuncs.com"), new OssClientOptions()));
        Assert.Equal("ap-southeast-1", OssRequestBuilder.ResolveRegion(new Uri("http://127.0.0.1"), new OssClientOptions { Region = "oss-ap-southeast-1" }));
        Assert.Throws<InvalidOperationException>(() => OssRequestBuilder.ResolveRegion(new Uri("http://127.0.0.1"), new OssClientOptions()));
    }
}
