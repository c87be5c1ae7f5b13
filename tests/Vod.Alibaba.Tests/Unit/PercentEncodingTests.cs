using Vod.Alibaba.Signing;

namespace Vod.Alibaba.Tests.Unit;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData(" ", "%20")]
    [InlineData("*", "%2A")]
    [InlineData("~", "~")]
    [InlineData("!'()", "%21%27%28%29")]
    [InlineData("-_.", "-_.")]
    [InlineData("+", "%2B")]
    [InlineData("/", "%2F")]
    [InlineData("%20", "%2520")]
    [InlineData("a=b&c", "a%3Db%26c")]
    [InlineData("视频", "%E8%A7%86%E9%A2%91")]
    [InlineData("é", "%C3%A9")]
    [InlineData("😀", "%F0%9F%98%80")]
    [InlineData("", "")]
    public void Rfc3986_encoding_keeps_only_unreserved_characters(string input, string expected)
    {
        Assert.Equal(expected, AcsPercentEncoding.Encode(input));
    }

    [Theory]
    [InlineData("dir/sub file.mp4", "dir/sub%20file.mp4")]
    [InlineData("a!b(c)d*e'f", "a!b(c)d*e%27f")]
    [InlineData("a+b%2F", "a%2Bb%252F")]
    [InlineData("视频/x", "%E8%A7%86%E9%A2%91/x")]
    public void Object_keys_are_encoded_for_the_path_as_ali_oss_sends_them(string key, string expected)
    {
        Assert.Equal(expected, AcsPercentEncoding.EncodeObjectKeyPath(key));
    }

    [Fact]
    public void Canonical_query_sorts_by_encoded_name_ordinally_and_skips_the_signature()
    {
        var query = RpcSignatureV2.CanonicalQuery(new Dictionary<string, string>
        {
            ["Title"] = "a b",
            ["CateId"] = "1",
            ["Signature"] = "ignored",
            ["Description"] = "",
            ["FileName"] = "x.mp4",
            ["cateId"] = "lower sorts after upper",
        });

        Assert.Equal("CateId=1&Description=&FileName=x.mp4&Title=a%20b&cateId=lower%20sorts%20after%20upper", query);
    }
}
