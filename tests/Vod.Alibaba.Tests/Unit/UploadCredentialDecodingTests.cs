using System.Text;
using Vod.Alibaba.VodApi;

namespace Vod.Alibaba.Tests.Unit;

public sealed class UploadCredentialDecodingTests
{
    private static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void The_reference_fixture_upload_address_decodes()
    {
        const string fixture = "eyJFbmRwb2ludCI6Imh0dHBzOi8vb3NzLWNuLXNoYW5naGFpLmFsaXl1bmNzLmNvbSIsIkJ1Y2tldCI6Im91dGluLTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwiRmlsZU5hbWUiOiJzdi81YTZiN2M4ZC0xOGYwYTFiMmMzZC81YTZiN2M4ZC0xOGYwYTFiMmMzZC5tcDQifQ==";

        var address = UploadAddress.Decode(fixture);

        Assert.Equal(new Uri("https://oss-cn-shanghai.aliyuncs.com"), address.Endpoint);
        Assert.Equal("outin-0123456789abcdef0123456789abcdef", address.Bucket);
        Assert.Equal("sv/5a6b7c8d-18f0a1b2c3d/5a6b7c8d-18f0a1b2c3d.mp4", address.FileName);
        Assert.Null(address.ObjectPrefix);
    }

    [Fact]
    public void An_m3u8_address_carries_its_object_prefix_and_an_endpoint_without_scheme_gets_https()
    {
        var address = UploadAddress.Decode(B64("""{"Endpoint":"oss-cn-beijing.aliyuncs.com","Bucket":"outin-1","FileName":"sv/a/a.m3u8","ObjectPrefix":"sv/a/"}"""));

        Assert.Equal("https", address.Endpoint.Scheme);
        Assert.Equal("sv/a/", address.ObjectPrefix);
    }

    [Fact]
    public void A_real_shaped_upload_auth_decodes_and_prefers_expire_utc_time()
    {
        var auth = UploadAuth.Decode(B64("""{"SecurityToken":"CAIStoken","AccessKeyId":"STS.NUofWJy7iqCzutjybAQgFLPCC","ExpireUTCTime":"2020-07-29T15:20:31Z","AccessKeySecret":"EW23secret","Expiration":"3600","Region":"cn-shanghai"}"""));

        Assert.Equal("STS.NUofWJy7iqCzutjybAQgFLPCC", auth.Credential.AccessKeyId);
        Assert.Equal("EW23secret", auth.Credential.AccessKeySecret);
        Assert.Equal("CAIStoken", auth.Credential.SecurityToken);
        Assert.Equal("cn-shanghai", auth.Region);
        Assert.Equal(new DateTimeOffset(2020, 7, 29, 15, 20, 31, TimeSpan.Zero), auth.ExpiresAt(DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("""{"SecurityToken":"t","AccessKeyId":"STS.a","AccessKeySecret":"s","Expiration":"3000"}""", 3000)]
    [InlineData("""{"SecurityToken":"t","AccessKeyId":"STS.a","AccessKeySecret":"s","Expiration":1200}""", 1200)]
    [InlineData("""{"SecurityToken":"t","AccessKeyId":"STS.a","AccessKeySecret":"s"}""", 3000)]
    public void Without_expire_utc_time_expiry_is_issue_time_plus_expiration(string json, int seconds)
    {
        var issued = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(issued.AddSeconds(seconds), UploadAuth.Decode(B64(json)).ExpiresAt(issued));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm90IGpzb24=")] // "not json"
    [InlineData("WzFd")] // [1]
    public void Malformed_values_fail_with_a_format_error(string value)
    {
        Assert.Throws<FormatException>(() => UploadAddress.Decode(value));
        Assert.Throws<FormatException>(() => UploadAuth.Decode(value));
    }

    [Fact]
    public void Missing_required_fields_are_named()
    {
        var error = Assert.Throws<FormatException>(() => UploadAuth.Decode(B64("""{"AccessKeyId":"STS.a","AccessKeySecret":"s"}""")));
        Assert.Contains("SecurityToken", error.Message);
        var addressError = Assert.Throws<FormatException>(() => UploadAddress.Decode(B64("""{"Endpoint":"https://e","FileName":"f"}""")));
        Assert.Contains("Bucket", addressError.Message);
    }

    [Fact]
    public void Encode_then_decode_round_trips()
    {
        var auth = new UploadAuth("STS.x", "secret-value", "token-value", "3000", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), "cn-shanghai");
        var address = new UploadAddress(new Uri("http://127.0.0.1:9000"), "outin-x", "sv/1/1.mp4");

        var decodedAuth = UploadAuth.Decode(auth.Encode());
        var decodedAddress = UploadAddress.Decode(address.Encode());

        Assert.Equal(auth.ExpireUtcTime, decodedAuth.ExpireUtcTime);
        Assert.Equal("token-value", decodedAuth.Credential.SecurityToken);
        Assert.Equal(address, decodedAddress);
    }
}
