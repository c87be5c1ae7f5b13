using System.Text;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Signing;

namespace Vod.Alibaba.Tests.Unit;

/// <summary>Values Alibaba publishes in its documentation; they pin the algorithms down independently of any client.</summary>
public sealed class PublishedVectorTests
{
    [Fact]
    public void Rpc_v2_reproduces_the_published_DescribeRegions_example()
    {
        // Arrange: Alibaba's documented ECS example (V0b).
        var parameters = new Dictionary<string, string>
        {
            ["Action"] = "DescribeRegions",
            ["Format"] = "XML",
            ["AccessKeyId"] = "testid",
            ["SignatureMethod"] = "HMAC-SHA1",
            ["SignatureNonce"] = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            ["SignatureVersion"] = "1.0",
            ["Timestamp"] = "2016-02-23T12:46:24Z",
            ["Version"] = "2014-05-26",
        };

        // Act
        var signature = RpcSignatureV2.Sign("GET", parameters, "testsecret");

        // Assert
        Assert.Equal("OLeaidS1JvxuMvnyHOwuJ+uX5qY=", signature);
    }

    [Fact]
    public void Rpc_v2_reproduces_the_published_VOD_GetVideoPlayAuth_example()
    {
        var parameters = new Dictionary<string, string>
        {
            ["Action"] = "GetVideoPlayAuth",
            ["Format"] = "JSON",
            ["AccessKeyId"] = "testAccessKeyId",
            ["SignatureMethod"] = "HMAC-SHA1",
            ["SignatureNonce"] = "8f8a035d-6496-4268-afd4-67c22837e38d",
            ["SignatureVersion"] = "1.0",
            ["Timestamp"] = "2017-10-10T12:02:54Z",
            ["Version"] = "2017-03-21",
            ["VideoId"] = "5aed81b74ba84920be578cdfe004af4b",
        };

        Assert.Equal("Ibgh7y8Vp47LBuAsf5Xhi1SvDss=", RpcSignatureV2.Sign("GET", parameters, "testAccessKeySecret"));
    }

    [Fact]
    public void Rpc_v2_string_to_sign_encodes_the_canonical_query_twice()
    {
        var stringToSign = RpcSignatureV2.StringToSign("GET", new Dictionary<string, string> { ["Timestamp"] = "2016-02-23T12:46:24Z", ["A b"] = "c*d" });

        Assert.Equal("GET&%2F&A%2520b%3Dc%252Ad%26Timestamp%3D2016-02-23T12%253A46%253A24Z", stringToSign);
    }

    [Fact]
    public void Oss_v1_reproduces_the_published_signature()
    {
        const string stringToSign = "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson";

        Assert.Equal("26NBxoKdsyly4EDv6inkoDft/yA=", OssSignatureV1.Sign(stringToSign, "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV"));
    }

    [Fact]
    public void Oss_v1_string_to_sign_is_built_from_the_headers_of_the_published_example()
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Content-MD5", "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM="),
            new("Content-Type", "text/html"),
            new("Date", "Thu, 17 Nov 2005 18:49:58 GMT"),
            new("X-OSS-Meta-Author", "  foo@bar.com "),
            new("X-OSS-Magic", "abracadabra"),
            new("Host", "oss-example.oss-cn-hangzhou.aliyuncs.com"),
        };
        var resource = OssSignatureV1.CanonicalResource("oss-example", "nelson", []);

        var stringToSign = OssSignatureV1.StringToSign("PUT", headers, resource);

        Assert.Equal("26NBxoKdsyly4EDv6inkoDft/yA=", OssSignatureV1.Sign(stringToSign, "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV"));
    }

    [Theory]
    [InlineData("", 0UL)]
    [InlineData("123456789", 11051210869376104954UL)]
    [InlineData("hello", 11177612005948864433UL)]
    [InlineData("0123456789", 2838902930144391966UL)]
    public void Crc64_matches_the_published_values(string data, ulong expected)
    {
        Assert.Equal(expected, Crc64Ecma.Compute(Encoding.ASCII.GetBytes(data)));
        Assert.Equal(expected.ToString(), Crc64Ecma.Format(expected));
    }

    [Fact]
    public void Content_md5_is_base64_of_the_raw_digest()
    {
        Assert.Equal("XUFAKrxLKna5cZ2REBfFkg==", ContentMd5.Compute("hello"u8));
    }
}
