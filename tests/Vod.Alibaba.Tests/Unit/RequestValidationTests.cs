using Vod.Alibaba.Errors;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Alibaba.Tests.Unit;

public sealed class RequestValidationTests
{
    private static AlibabaRequestValidationException Invalid(VodRequest request) =>
        Assert.Throws<AlibabaRequestValidationException>(request.Validate);

    [Fact]
    public void A_valid_video_request_passes()
    {
        new CreateUploadVideoRequest { Title = new string('t', 128), FileName = "Movie.MP4", Tags = Enumerable.Repeat("x", 16).ToList() }.Validate();
    }

    [Fact]
    public void Title_longer_than_128_characters_is_refused_with_its_length()
    {
        var error = Invalid(new CreateUploadVideoRequest { Title = new string('t', 129), FileName = "a.mp4" });

        Assert.Equal("Title", error.Field);
        Assert.Contains("129", error.Message);
    }

    [Theory]
    [InlineData("clip.exe")]
    [InlineData("clip")]
    [InlineData("clip.")]
    [InlineData("photo.png")]
    public void Unsupported_or_missing_extensions_are_refused(string fileName)
    {
        Assert.Equal("FileName", Invalid(new CreateUploadVideoRequest { Title = "t", FileName = fileName }).Field);
    }

    [Theory]
    [InlineData("a.mp3")]
    [InlineData("dir/a.FLAC")]
    [InlineData("a.m3u8")]
    public void Audio_and_video_extensions_are_accepted_in_any_case(string fileName)
    {
        new CreateUploadVideoRequest { Title = "t", FileName = fileName }.Validate();
    }

    [Fact]
    public void More_than_16_tags_is_refused()
    {
        Assert.Equal("Tags", Invalid(new CreateUploadVideoRequest { Title = "t", FileName = "a.mp4", Tags = Enumerable.Repeat("x", 17).ToList() }).Field);
    }

    [Theory]
    [InlineData("has,comma")]
    [InlineData(" ")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefg")]
    public void Bad_tags_are_refused(string tag)
    {
        Assert.Equal("Tags", Invalid(new CreateUploadVideoRequest { Title = "t", FileName = "a.mp4", Tags = [tag] }).Field);
    }

    [Fact]
    public void Emoji_in_a_title_is_refused()
    {
        Assert.Equal("Title", Invalid(new CreateUploadVideoRequest { Title = "fun 😀", FileName = "a.mp4" }).Field);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void User_data_must_be_a_json_object(string userData)
    {
        Assert.Equal("UserData", Invalid(new CreateUploadVideoRequest { Title = "t", FileName = "a.mp4", UserData = userData }).Field);
    }

    [Fact]
    public void An_extend_over_512_bytes_is_refused()
    {
        var userData = new VodUserData { Extend = new Dictionary<string, string> { ["x"] = new string('a', 600) } }.ToJson();

        Assert.Equal("UserData", Invalid(new CreateUploadVideoRequest { Title = "t", FileName = "a.mp4", UserData = userData }).Field);
    }

    [Fact]
    public void User_data_builder_writes_callback_and_extend()
    {
        var json = new VodUserData { CallbackUrl = new Uri("https://x.example/api/vod/callback"), Extend = new Dictionary<string, string> { ["uploadId"] = "u-1" } }.ToJson();

        Assert.Equal("""{"MessageCallback":{"CallbackURL":"https://x.example/api/vod/callback","CallbackType":"http"},"Extend":{"uploadId":"u-1"}}""", json);
    }

    [Theory]
    [InlineData("poster", "png")]
    [InlineData("default", "bmp")]
    public void Image_type_and_extension_are_checked(string type, string ext)
    {
        Invalid(new CreateUploadImageRequest { ImageType = type, ImageExt = ext });
    }

    [Fact]
    public void Image_titles_are_limited_in_bytes()
    {
        // 43 CJK characters are 129 UTF-8 bytes.
        Assert.Equal("Title", Invalid(new CreateUploadImageRequest { ImageType = "default", Title = new string('视', 43) }).Field);
    }

    [Fact]
    public void Attached_media_needs_a_known_business_type_and_at_most_five_categories()
    {
        Invalid(new CreateUploadAttachedMediaRequest { BusinessType = "poster" });
        Invalid(new CreateUploadAttachedMediaRequest { BusinessType = "subtitle", CateIds = ["1", "2", "3", "4", "5", "6"] });
    }

    [Fact]
    public void List_limits_are_enforced()
    {
        Invalid(new DeleteVideoRequest { VideoIds = [] });
        Invalid(new DeleteVideoRequest { VideoIds = Enumerable.Range(0, 21).Select(i => i.ToString()).ToList() });
        Invalid(new GetUrlUploadInfosRequest());
        Invalid(new GetUrlUploadInfosRequest { JobIds = Enumerable.Range(0, 11).Select(i => i.ToString()).ToList() });
        Invalid(new UploadMediaByUrlRequest { UploadUrls = ["ftp://x/y.mp4"] });
        Invalid(new UploadMediaByUrlRequest
        {
            UploadUrls = ["https://x/y.mp4"],
            UploadMetadatas = [new UrlUploadMetadata { SourceUrl = "https://other/z.mp4", Title = "t" }],
        });
    }

    [Theory]
    [InlineData("arn:aws:iam::1:role/x", "session", 900)]
    [InlineData("acs:ram::1234:role/vod", "a", 900)]
    [InlineData("acs:ram::1234:role/vod", "valid-name", 899)]
    [InlineData("acs:ram::1234:role/vod", "valid-name", 43201)]
    public void Assume_role_fields_are_checked(string arn, string session, int seconds)
    {
        var request = new AssumeRoleRequest { RoleArn = arn, RoleSessionName = session, Duration = TimeSpan.FromSeconds(seconds) };

        Assert.Throws<AlibabaRequestValidationException>(request.Validate);
    }

    [Theory]
    [InlineData("cn-shanghai", "https://vod.cn-shanghai.aliyuncs.com/")]
    [InlineData("cn-hangzhou", "https://vod.cn-shanghai.aliyuncs.com/")]
    [InlineData("ap-southeast-1", "https://vod.ap-southeast-1.aliyuncs.com/")]
    [InlineData("eu-central-1", "https://vod.eu-central-1.aliyuncs.com/")]
    [InlineData("cn-wuhan", "https://vod.aliyuncs.com/")]
    public void Endpoints_follow_the_region_rule_and_the_hangzhou_mapping(string region, string endpoint)
    {
        Assert.Equal(endpoint, VodEndpoints.ForRegion(region).ToString());
    }

    [Fact]
    public void Endpoint_override_wins_and_bad_regions_are_refused()
    {
        Assert.Equal(new Uri("http://127.0.0.1:5080"), new VodClientOptions { Endpoint = new Uri("http://127.0.0.1:5080") }.ResolveEndpoint());
        Assert.Throws<ArgumentException>(() => VodEndpoints.ForRegion("vod.cn-shanghai.aliyuncs.com/evil"));
    }
}
