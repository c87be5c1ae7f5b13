using System.Text.Json;
using Vod.Alibaba.Hashing;
using Vod.Testing;
using Xunit.Abstractions;

namespace Vod.Emulator.Tests;

/// <summary>Alibaba's official clients (pop-core, ali-oss) against the emulator, through the flows real uploads take.</summary>
public sealed class OfficialClientFlowTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Official_clients_create_upload_resume_refresh_and_receive_signed_callbacks()
    {
        // Arrange
        await using var emulator = await TestEmulator.StartAsync();
        var dir = Directory.CreateTempSubdirectory("vod-flows-").FullName;

        // Act
        using var result = await NodeScript.RunJsonAsync("interop/emulator-flows.js",
            ["--endpoint", emulator.Endpoint.ToString(), "--ak", emulator.Account.AccessKeyId, "--secret", emulator.Account.AccessKeySecret, "--dir", dir],
            TimeSpan.FromMinutes(2));
        var r = result.RootElement;
        output.WriteLine(r.ToString());

        // Assert: CreateUploadVideo by GET and POST, decoded blobs of the documented shape.
        var create = r.GetProperty("create");
        Assert.Matches("^[0-9a-f]{32}$", create.GetProperty("videoId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", create.GetProperty("postVideoId").GetString());
        Assert.Equal(emulator.Host.Vod.Bucket, create.GetProperty("address").GetProperty("Bucket").GetString());
        Assert.Matches(@"^sv/[0-9a-f]{8}-[0-9a-f]{11}/[0-9a-f]{8}-[0-9a-f]{11}\.mp4$", create.GetProperty("address").GetProperty("FileName").GetString());
        Assert.Equal(["AccessKeyId", "AccessKeySecret", "Expiration", "ExpireUTCTime", "Region", "SecurityToken"], create.GetProperty("authKeys").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("3000", create.GetProperty("expiration").GetString());

        // ali-oss multipartUpload: identical bytes, multipart ETag, CRC of the whole.
        var multipart = r.GetProperty("multipart");
        var source = await File.ReadAllBytesAsync(multipart.GetProperty("file").GetString()!);
        Assert.Equal(200, multipart.GetProperty("status").GetInt32());
        Assert.True(multipart.GetProperty("sameBytes").GetBoolean());
        Assert.Equal(source.Length, multipart.GetProperty("size").GetInt64());
        Assert.Equal("Multipart", multipart.GetProperty("objectType").GetString());
        Assert.Matches("^\"[0-9A-F]{32}-7\"$", multipart.GetProperty("etag").GetString());
        Assert.Equal(Crc64Ecma.Format(Crc64Ecma.Compute(source)), multipart.GetProperty("crc64").GetString());
        Assert.Equal(206, multipart.GetProperty("rangeStatus").GetInt32());
        Assert.True(multipart.GetProperty("rangeSameBytes").GetBoolean());

        // put, paged listParts, abort → NoSuchUpload; another object → AccessDenied.
        var ops = r.GetProperty("objectOps");
        Assert.Equal(200, ops.GetProperty("putStatus").GetInt32());
        Assert.Equal([1], ops.GetProperty("firstPage").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(ops.GetProperty("truncated").GetBoolean());
        Assert.Equal(2, ops.GetProperty("allParts").GetArrayLength());
        Assert.Equal("NoSuchUpload", ops.GetProperty("afterAbort").GetProperty("code").GetString());
        Assert.Equal("AccessDenied", ops.GetProperty("otherObject").GetProperty("code").GetString());

        // Interrupted, then resumed from the ali-oss checkpoint: complete, identical, and no done part was re-sent.
        var resume = r.GetProperty("resume");
        Assert.Equal("cancel", resume.GetProperty("interrupted").GetString());
        Assert.True(resume.GetProperty("doneBefore").GetInt32() >= 3);
        Assert.True(resume.GetProperty("sameBytes").GetBoolean());
        using var state = emulator.State();
        var received = state.RootElement.GetProperty("bytesReceivedPerObject").GetProperty(resume.GetProperty("objectId").GetString()!).GetInt64();
        var size = resume.GetProperty("size").GetInt64();
        Assert.InRange(received, size, size + (512 * 1024));
        var perPart = state.RootElement.GetProperty("partUploadsReceived").GetProperty(resume.GetProperty("uploadId").GetString()!);
        Assert.All(perPart.EnumerateObject(), p => Assert.True(p.Value.GetInt32() <= 2, $"part {p.Name} sent {p.Value} times"));

        // Wrong secret, expiry, refresh.
        Assert.Equal("SignatureDoesNotMatch", r.GetProperty("wrongSecret").GetProperty("vod").GetProperty("code").GetString());
        Assert.Equal("SignatureDoesNotMatch", r.GetProperty("wrongSecret").GetProperty("oss").GetProperty("code").GetString());
        var refresh = r.GetProperty("refresh");
        Assert.Equal("SecurityTokenExpired", refresh.GetProperty("expired").GetProperty("code").GetString());
        Assert.True(refresh.GetProperty("sameAddress").GetBoolean());
        Assert.True(refresh.GetProperty("newKey").GetBoolean());
        Assert.Equal(200, refresh.GetProperty("headStatus").GetInt32());
        Assert.Equal("InvalidVideo.NotFound", refresh.GetProperty("missing").GetProperty("code").GetString());

        // CreateUploadImage and its callback; FileUploadComplete for the video; both signed.
        var image = r.GetProperty("image");
        Assert.Equal(200, image.GetProperty("putStatus").GetInt32());
        Assert.Matches(@"^image/cover/[0-9A-F]{32}\.jpg$", image.GetProperty("key").GetString());
        var callbacks = r.GetProperty("callbacks").EnumerateArray().ToList();
        var fileUpload = callbacks.Single(c => c.GetProperty("type").GetString() == "FileUploadComplete" && c.GetProperty("id").GetString() == create.GetProperty("videoId").GetString());
        Assert.True(fileUpload.GetProperty("signatureValid").GetBoolean());
        Assert.StartsWith("http://", fileUpload.GetProperty("fileUrl").GetString());
        Assert.Equal(source.Length, fileUpload.GetProperty("size").GetInt64());
        var imageUpload = callbacks.Single(c => c.GetProperty("type").GetString() == "ImageUploadComplete");
        Assert.True(imageUpload.GetProperty("signatureValid").GetBoolean());
        Assert.Equal(image.GetProperty("imageId").GetString(), imageUpload.GetProperty("id").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d:\d{3}Z$", imageUpload.GetProperty("eventTime").GetString());
        Assert.False(imageUpload.TryGetProperty("fileUrl", out var lower) && lower.ValueKind == JsonValueKind.String);
        Assert.All(callbacks, c => Assert.True(c.GetProperty("signatureValid").GetBoolean()));
    }
}
