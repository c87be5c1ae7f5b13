using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Alibaba.Rpc;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Testing;

namespace Vod.Emulator.Tests;

/// <summary>Our own protocol library through the same flows, and the emulator's checks seen from a client.</summary>
public sealed class OwnClientFlowTests : IAsyncLifetime
{
    private TestEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static byte[] Data(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    private async Task<(UploadVideoResponse Created, OssObjectLocation Target, AlibabaCredential Credential)> CreateVideoAsync(string fileName = "clip.mp4")
    {
        var created = await _emulator.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "clip", FileName = fileName });
        return (created, OssObjectLocation.From(created.DecodeAddress()), created.DecodeAuth().Credential);
    }

    [Theory]
    [InlineData(OssAddressingStyle.BucketInHostHeader, OssSignatureVersion.V1)]
    [InlineData(OssAddressingStyle.PathStyle, OssSignatureVersion.V4)]
    public async Task Multipart_upload_completes_with_the_combined_crc_and_video_goes_to_normal(OssAddressingStyle addressing, OssSignatureVersion signature)
    {
        // Arrange
        var oss = _emulator.OssClientFor(new OssClientOptions { Addressing = addressing, SignatureVersion = signature, Region = "cn-shanghai" });
        var (created, target, credential) = await CreateVideoAsync();
        var data = Data(3 * 256 * 1024 + 1000, 1);
        var partSize = 256 * 1024;
        (await _emulator.AdminAsync("media/hold-transcoding")).EnsureSuccessStatusCode();

        // Act
        var uploadId = await oss.InitiateMultipartUploadAsync(target, credential, new OssRequestOptions { ContentType = "video/mp4" });
        var parts = new List<OssPartETag>();
        var crc = 0UL;
        for (var (offset, number) = (0, 1); offset < data.Length; offset += partSize, number++)
        {
            var slice = data.AsMemory(offset, Math.Min(partSize, data.Length - offset));
            var result = await oss.UploadPartAsync(target, uploadId, number, new MemoryStream(slice.ToArray()), slice.Length, credential,
                new OssRequestOptions { ContentMd5 = ContentMd5.Compute(slice.Span) });
            Assert.Equal(Crc64Ecma.Compute(slice.Span), result.Crc64);
            crc = Crc64Ecma.Combine(crc, result.Crc64!.Value, slice.Length);
            parts.Add(new OssPartETag(number, result.ETag));
        }

        var listed = await oss.ListAllPartsAsync(target, uploadId, credential);
        var complete = await oss.CompleteMultipartUploadAsync(target, uploadId, parts, credential);

        // Assert
        Assert.Equal(4, listed.Count);
        Assert.Equal(Crc64Ecma.Compute(data), complete.Crc64);
        Assert.Equal(crc, complete.Crc64);
        await using (var body = await oss.GetObjectAsync(target, credential))
        {
            var copy = new MemoryStream();
            await body.Body.CopyToAsync(copy);
            Assert.Equal(data, copy.ToArray());
            Assert.Equal("Multipart", body.Metadata.ObjectType);
        }

        var again = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.CompleteMultipartUploadAsync(target, uploadId, parts, credential));
        Assert.Equal(AlibabaErrorKind.UploadGone, again.Kind);
        Assert.Equal("UploadSucc", (await _emulator.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = created.VideoId })).Video.Status);
        (await _emulator.AdminAsync("media/release-transcoding")).EnsureSuccessStatusCode();
        await WaitUntilAsync(async () => (await _emulator.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = created.VideoId })).Video.Status == "Normal");
    }

    [Fact]
    public async Task Complete_enforces_order_etags_and_minimum_part_size()
    {
        var (_, target, credential) = await CreateVideoAsync();
        var oss = _emulator.Oss;
        var uploadId = await oss.InitiateMultipartUploadAsync(target, credential);
        var first = await oss.UploadPartAsync(target, uploadId, 1, new MemoryStream(Data(1000, 2)), 1000, credential);
        var second = await oss.UploadPartAsync(target, uploadId, 2, new MemoryStream(Data(1000, 3)), 1000, credential);

        var tooSmall = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.CompleteMultipartUploadAsync(target, uploadId, [new(1, first.ETag), new(2, second.ETag)], credential));
        var badEtag = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.CompleteMultipartUploadAsync(target, uploadId, [new(1, "\"0000\"")], credential));
        var missing = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.CompleteMultipartUploadAsync(target, uploadId, [new(7, first.ETag)], credential));

        Assert.Equal("EntityTooSmall", tooSmall.Code);
        Assert.Equal("InvalidPart", badEtag.Code);
        Assert.Equal("InvalidPart", missing.Code);

        // Our client sorts parts, so the order check needs a hand-written (but signed) body.
        var body = System.Text.Encoding.UTF8.GetBytes($"<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>{second.ETag}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>{first.ETag}</ETag></Part></CompleteMultipartUpload>");
        var spec = OssClient.ObjectSpec(HttpMethod.Post, target, new ByteArrayContent(body));
        spec.Query.Add(new("uploadId", uploadId));
        using (var request = oss.Build(spec, credential))
        {
            var outOfOrder = await _emulator.Http.SendAsync(request);
            Assert.Equal(400, (int)outOfOrder.StatusCode);
            Assert.Contains("<Code>InvalidPartOrder</Code>", await outOfOrder.Content.ReadAsStringAsync());
        }

        using (var unsigned = new HttpRequestMessage(HttpMethod.Post, new Uri(_emulator.Endpoint, $"{target.Bucket}/{target.Key}?uploadId={uploadId}")))
        {
            var refused = await _emulator.Http.SendAsync(unsigned);
            Assert.Equal(403, (int)refused.StatusCode);
            Assert.Contains("<Code>AccessDenied</Code>", await refused.Content.ReadAsStringAsync());
        }

        // A single small part is a valid (last) part.
        var done = await oss.CompleteMultipartUploadAsync(target, uploadId, [new(1, first.ETag)], credential);
        Assert.Matches("^\"[0-9A-F]{32}-1\"$", done.ETag);
    }

    [Fact]
    public async Task Part_numbers_digests_and_uploads_are_checked()
    {
        var (_, target, credential) = await CreateVideoAsync();
        var oss = _emulator.Oss;
        var uploadId = await oss.InitiateMultipartUploadAsync(target, credential);

        var digest = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.UploadPartAsync(target, uploadId, 1, new MemoryStream(Data(10, 4)), 10, credential,
            new OssRequestOptions { ContentMd5 = ContentMd5.Compute(Data(10, 5)) }));
        var noUpload = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.UploadPartAsync(target, "NOPE", 1, new MemoryStream(Data(10, 4)), 10, credential));

        Assert.Equal("InvalidDigest", digest.Code);
        Assert.Equal("NoSuchUpload", noUpload.Code);
        using var state = _emulator.State();
        Assert.Empty(state.RootElement.GetProperty("uploads").EnumerateArray().Single().GetProperty("parts").EnumerateArray());
    }

    [Theory]
    [InlineData(OssAddressingStyle.BucketInHostHeader, OssSignatureVersion.V1)]
    [InlineData(OssAddressingStyle.PathStyle, OssSignatureVersion.V4)]
    public async Task A_bucket_vod_never_handed_out_is_no_such_bucket_and_nothing_is_stored(OssAddressingStyle addressing, OssSignatureVersion signature)
    {
        // As real OSS: 404 NoSuchBucket, even for the account key that may write anywhere, in either addressing style.
        var oss = _emulator.OssClientFor(new OssClientOptions { Addressing = addressing, SignatureVersion = signature, Region = "cn-shanghai" });
        var elsewhere = new OssObjectLocation(_emulator.Endpoint, "outin-00000000000000000000000000000000", "sv/x/x.mp4");

        var put = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.PutObjectAsync(elsewhere, new MemoryStream(new byte[1000]), 1000, _emulator.Account));
        var initiate = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.InitiateMultipartUploadAsync(elsewhere, _emulator.Account));
        var head = await Assert.ThrowsAsync<AlibabaCloudException>(() => oss.HeadObjectAsync(elsewhere, _emulator.Account));

        Assert.All(new[] { put, initiate, head }, e => Assert.Equal((404, "NoSuchBucket"), (e.StatusCode, e.Code)));
        lock (_emulator.Host.State.Sync)
        {
            Assert.Empty(_emulator.Host.State.Objects);
            Assert.Empty(_emulator.Host.State.Uploads);
        }

        // The bucket VOD hands out still works with the same client.
        var (_, target, credential) = await CreateVideoAsync();
        Assert.Equal(_emulator.Host.Bucket, target.Bucket);
        await oss.PutObjectAsync(target, new MemoryStream(new byte[1000]), 1000, credential);
    }

    [Fact]
    public async Task Put_head_ranged_get_and_delete_a_small_object()
    {
        var (_, target, credential) = await CreateVideoAsync();
        var data = Data(5000, 6);

        var put = await _emulator.Oss.PutObjectAsync(target, new MemoryStream(data), data.Length, credential,
            new OssRequestOptions { ContentMd5 = ContentMd5.Compute(data), Metadata = new Dictionary<string, string> { ["source"] = "test" } });
        var head = await _emulator.Oss.HeadObjectAsync(target, credential);
        await using var range = await _emulator.Oss.GetObjectAsync(target, credential, OssByteRange.Last(100));
        var tail = new MemoryStream();
        await range.Body.CopyToAsync(tail);
        await _emulator.Oss.DeleteObjectAsync(target, credential);
        var gone = await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Oss.HeadObjectAsync(target, credential));

        Assert.Equal("\"" + Convert.ToHexString(System.Security.Cryptography.MD5.HashData(data)) + "\"", put.ETag);
        Assert.Equal(Crc64Ecma.Compute(data), head.Crc64);
        Assert.Equal(5000, head.ContentLength);
        Assert.Equal("test", head.Metadata["source"]);
        Assert.Equal(data[^100..], tail.ToArray());
        Assert.Equal("bytes 4900-4999/5000", range.ContentRange);
        Assert.Equal("NoSuchKey", gone.Code);
    }

    [Fact]
    public async Task Credentials_are_scoped_checked_and_refreshable()
    {
        var (created, target, credential) = await CreateVideoAsync();
        var other = target with { Key = "sv/other/other.mp4" };
        var wrongObject = await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Oss.HeadObjectAsync(other, credential));
        var unknown = await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Oss.HeadObjectAsync(target, new AlibabaCredential("LTAIunknown", "x")));
        var badToken = await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Oss.HeadObjectAsync(target, new AlibabaCredential(credential.AccessKeyId, credential.AccessKeySecret, "CAISforged")));
        var skewed = _emulator.OssClientFor(new OssClientOptions { Addressing = OssAddressingStyle.PathStyle }, new FixedTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-20)));
        var tooOld = await Assert.ThrowsAsync<AlibabaCloudException>(() => skewed.HeadObjectAsync(target, credential));
        var useOnVod = await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.VodClientFor(credential).GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = created.VideoId }));

        await _emulator.AdminAsync("credentials/expire-all");
        var expired = await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Oss.PutObjectAsync(target, new MemoryStream([1]), 1, credential));
        var refreshed = await _emulator.Vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = created.VideoId });
        await _emulator.Oss.PutObjectAsync(target, new MemoryStream([1]), 1, refreshed.DecodeAuth().Credential);

        Assert.Equal("AccessDenied", wrongObject.Code);
        Assert.Equal("InvalidAccessKeyId", unknown.Code);
        Assert.Equal("InvalidSecurityToken", badToken.Code);
        Assert.Equal(AlibabaErrorKind.CredentialExpired, badToken.Kind);
        Assert.Equal("RequestTimeTooSkewed", tooOld.Code);
        Assert.Equal("Forbidden.RAM", useOnVod.Code);
        Assert.Equal("SecurityTokenExpired", expired.Code);
        Assert.Equal(AlibabaErrorKind.CredentialExpired, expired.Kind);
        Assert.Equal(created.DecodeAddress(), refreshed.DecodeAddress());
        Assert.NotEqual(credential.AccessKeyId, refreshed.DecodeAuth().Credential.AccessKeyId);
    }

    [Fact]
    public async Task Vod_gateway_checks_signature_time_nonce_and_sts_tokens()
    {
        var wrongSecret = _emulator.VodClientFor(new AlibabaCredential(_emulator.Account.AccessKeyId, "wrong"));
        var stale = _emulator.VodClientFor(_emulator.Account, time: new FixedTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-16)));
        var replaying = _emulator.VodClientFor(_emulator.Account);
        replaying.NonceFactory = () => "fixed-nonce-for-replay";
        var request = new GetUrlUploadInfosRequest { JobIds = ["none"] };

        Assert.Equal("SignatureDoesNotMatch", (await Assert.ThrowsAsync<AlibabaCloudException>(() => wrongSecret.GetUrlUploadInfosAsync(request))).Code);
        Assert.Equal("InvalidTimeStamp.Expired", (await Assert.ThrowsAsync<AlibabaCloudException>(() => stale.GetUrlUploadInfosAsync(request))).Code);
        await replaying.GetUrlUploadInfosAsync(request);
        Assert.Equal("SignatureNonceUsed", (await Assert.ThrowsAsync<AlibabaCloudException>(() => replaying.GetUrlUploadInfosAsync(request))).Code);
        Assert.Equal("InvalidAccessKeyId.NotFound", (await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.VodClientFor(new AlibabaCredential("LTAInobody", "x")).GetUrlUploadInfosAsync(request))).Code);
        Assert.Equal("InvalidVideo.NotFound", (await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = "missing" }))).Code);
    }

    [Theory]
    [InlineData("JSON")]
    [InlineData("json")]
    public async Task Post_with_every_parameter_in_the_query_is_accepted_as_the_generated_sdks_send_it(string format)
    {
        // The generated .NET/Darabonba SDK: POST, all parameters (Signature included) in the query, empty body.
        var parameters = new Dictionary<string, string>
        {
            ["Action"] = "GetURLUploadInfos", ["Format"] = format, ["Version"] = "2017-03-21", ["AccessKeyId"] = _emulator.Account.AccessKeyId,
            ["SignatureMethod"] = "HMAC-SHA1", ["SignatureVersion"] = "1.0", ["SignatureNonce"] = Guid.NewGuid().ToString(),
            ["Timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), ["JobIds"] = "a,b",
        };
        parameters["Signature"] = Vod.Alibaba.Signing.RpcSignatureV2.Sign("POST", parameters, _emulator.Account.AccessKeySecret);
        var query = string.Join('&', parameters.Select(p => Vod.Alibaba.Signing.AcsPercentEncoding.Encode(p.Key) + "=" + Vod.Alibaba.Signing.AcsPercentEncoding.Encode(p.Value)));

        var response = await _emulator.Http.PostAsync(new Uri(_emulator.Endpoint, "/?" + query), new ByteArrayContent([]));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(["a", "b"], json.RootElement.GetProperty("NonExists").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData(RpcSignatureVersion.V2, "GET")]
    [InlineData(RpcSignatureVersion.V2, "POST")]
    [InlineData(RpcSignatureVersion.V3, "POST")]
    [InlineData(RpcSignatureVersion.V3, "GET")]
    public async Task Sts_credentials_from_assume_role_call_vod_with_every_signature_shape(RpcSignatureVersion version, string method)
    {
        var sts = new StsClient(_emulator.Http, _emulator.Account, new StsClientOptions { Endpoint = _emulator.Endpoint, SignatureVersion = version, HttpMethod = new HttpMethod(method) });
        var role = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = "acs:ram::1234567890123456:role/vod-upload", RoleSessionName = "browser-user", Duration = TimeSpan.FromMinutes(15) });
        var vod = _emulator.VodClientFor(role.Credentials.ToCredential(), new VodClientOptions { SignatureVersion = version, HttpMethod = new HttpMethod(method) });

        var created = await vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "by sts 视频 & more", FileName = "a.m3u8", Tags = ["x y", "z"] });

        Assert.StartsWith("STS.", role.Credentials.AccessKeyId);
        Assert.InRange(role.Credentials.Expiration, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
        Assert.NotNull(created.DecodeAddress().ObjectPrefix);
        var info = await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = created.VideoId });
        Assert.Equal("by sts 视频 & more", info.Video.Title);
        Assert.Equal("x y,z", info.Video.Tags);
    }

    [Fact]
    public async Task Vod_validates_what_it_is_given_with_its_own_error_codes()
    {
        // Raw parameters our client would refuse, sent through a request our client signs as-is.
        async Task<string> CodeFor(params (string, string)[] parameters)
        {
            using var request = _emulator.Vod.BuildUncheckedHttpRequest("CreateUploadVideo", parameters.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)).ToList());
            var response = await _emulator.Http.SendAsync(request);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(400, (int)response.StatusCode);
            return json.RootElement.GetProperty("Code").GetString()!;
        }

        Assert.Equal("InvalidFileName.Extension", await CodeFor(("Title", "t"), ("FileName", "a.exe")));
        Assert.Equal("LengthExceededMax", await CodeFor(("Title", new string('t', 129)), ("FileName", "a.mp4")));
        Assert.Equal("IllegalCharacters", await CodeFor(("Title", "fun 😀"), ("FileName", "a.mp4")));
        Assert.Equal("TagsExceededMax", await CodeFor(("Title", "t"), ("FileName", "a.mp4"), ("Tags", string.Join(',', Enumerable.Range(0, 17)))));
        Assert.Equal("MissingTitle", await CodeFor(("FileName", "a.mp4")));
    }

    [Fact]
    public async Task Images_attached_media_and_deletion()
    {
        var image = await _emulator.Vod.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = "default", ImageExt = "png", Title = "poster" });
        var png = Data(2000, 7);
        await _emulator.Oss.PutObjectAsync(OssObjectLocation.From(image.DecodeAddress()), new MemoryStream(png), png.Length, image.DecodeAuth().Credential);
        var attached = await _emulator.Vod.CreateUploadAttachedMediaAsync(new CreateUploadAttachedMediaRequest { BusinessType = "subtitle", MediaExt = "srt" });
        var (video, _, _) = await CreateVideoAsync();

        var info = await _emulator.Vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = image.ImageId });
        var deleted = await _emulator.Vod.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId, "not-there"] });

        Assert.Equal("Normal", info.ImageInfo.Status);
        Assert.Equal(image.FileURL, info.ImageInfo.Mezzanine?.FileURL);
        Assert.Equal(2000, info.ImageInfo.Mezzanine?.FileSize);
        Assert.StartsWith("attached/subtitle/", attached.DecodeAddress().FileName);
        Assert.Equal(["not-there"], deleted.NonExistVideoIds);
        Assert.Equal("InvalidVideo.NotFound", (await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = video.VideoId }))).Code);
    }

    [Fact]
    public async Task Upload_media_by_url_pulls_the_source_and_reports_the_job()
    {
        // Arrange: a real HTTP source (what an Azurite SAS URL is to the emulator).
        await using var source = await RecordingServer.StartAsync();
        var bytes = Data(300_000, 8);
        source.Respond = r => r.RawTarget.Contains("missing", StringComparison.Ordinal)
            ? new ScriptedResponse(404)
            : new ScriptedResponse(200, Convert.ToBase64String(bytes), ContentType: "application/octet-stream");
        var good = new Uri(source.BaseUri, "in/clip%20one.mp4?sv=2024&sig=abc%3D").ToString();
        var bad = new Uri(source.BaseUri, "in/missing.mp4").ToString();

        // Act
        var submitted = await _emulator.Vod.UploadMediaByUrlAsync(new UploadMediaByUrlRequest
        {
            UploadUrls = [good, bad],
            UploadMetadatas = [new UrlUploadMetadata { SourceUrl = good, Title = "pulled" }],
        });
        GetUrlUploadInfosResponse infos = null!;
        await WaitUntilAsync(async () =>
        {
            infos = await _emulator.Vod.GetUrlUploadInfosAsync(new GetUrlUploadInfosRequest { JobIds = submitted.UploadJobs.Select(j => j.JobId).ToList() });
            return infos.UrlUploadInfoList.All(i => i.Status is "SUCCESS" or "DOWNLOAD_FAIL");
        });

        // Assert
        Assert.Equal(2, submitted.UploadJobs.Count);
        var ok = infos.UrlUploadInfoList.Single(i => i.UploadUrl == good);
        Assert.Equal("SUCCESS", ok.Status);
        Assert.Equal(Convert.ToBase64String(bytes).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ok.FileSize);
        Assert.Equal("pulled", (await _emulator.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = ok.MediaId! })).Video.Title);
        Assert.Equal("DOWNLOAD_FAIL", infos.UrlUploadInfoList.Single(i => i.UploadUrl == bad).Status);
        var byUrl = await _emulator.Vod.GetUrlUploadInfosAsync(new GetUrlUploadInfosRequest { UploadUrls = [good, "https://nowhere.example/x.mp4"] });
        Assert.Equal(["https://nowhere.example/x.mp4"], byUrl.NonExists);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 60 s");
            await Task.Delay(50);
        }
    }
}
