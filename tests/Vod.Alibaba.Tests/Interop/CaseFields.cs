using System.Globalization;
using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Alibaba.Tests.Interop;

/// <summary>Turns a generated case's typed fields into the requests a caller of our library would build.</summary>
public static class CaseFields
{
    public static AlibabaCredential Credential(JsonElement @case)
    {
        var c = @case.GetProperty("credential");
        return new AlibabaCredential(
            c.GetProperty("accessKeyId").GetString()!,
            c.GetProperty("accessKeySecret").GetString()!,
            c.TryGetProperty("securityToken", out var token) ? token.GetString() : null);
    }

    public static DateTimeOffset Time(JsonElement @case) =>
        DateTimeOffset.Parse(@case.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static string? Str(this JsonElement fields, string name) =>
        fields.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    public static long? Long(this JsonElement fields, string name) =>
        fields.TryGetProperty(name, out var v) ? v.GetInt64() : null;

    public static int? Int(this JsonElement fields, string name) =>
        fields.TryGetProperty(name, out var v) ? v.GetInt32() : null;

    public static IReadOnlyList<string>? List(this JsonElement fields, string name) =>
        fields.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(e => e.GetString()!).ToList() : null;

    public static VodRequest VodRequest(string action, JsonElement f) => action switch
    {
        "CreateUploadVideo" => new CreateUploadVideoRequest
        {
            Title = f.Str("Title")!,
            FileName = f.Str("FileName")!,
            FileSize = f.Long("FileSize"),
            Description = f.Str("Description"),
            CoverUrl = f.Str("CoverURL"),
            CateId = f.Long("CateId"),
            Tags = f.List("Tags"),
            TemplateGroupId = f.Str("TemplateGroupId"),
            WorkflowId = f.Str("WorkflowId"),
            StorageLocation = f.Str("StorageLocation"),
            UserData = f.Str("UserData"),
            AppId = f.Str("AppId"),
            ReferenceId = f.Str("ReferenceId"),
        },
        "RefreshUploadVideo" => new RefreshUploadVideoRequest { VideoId = f.Str("VideoId")! },
        "CreateUploadImage" => new CreateUploadImageRequest
        {
            ImageType = f.Str("ImageType")!,
            ImageExt = f.Str("ImageExt"),
            Title = f.Str("Title"),
            Tags = f.List("Tags"),
            StorageLocation = f.Str("StorageLocation"),
            CateId = f.Long("CateId"),
            UserData = f.Str("UserData"),
            Description = f.Str("Description"),
            AppId = f.Str("AppId"),
        },
        "CreateUploadAttachedMedia" => new CreateUploadAttachedMediaRequest
        {
            BusinessType = f.Str("BusinessType")!,
            MediaExt = f.Str("MediaExt"),
            Title = f.Str("Title"),
            FileName = f.Str("FileName"),
            FileSize = f.Long("FileSize"),
            Tags = f.List("Tags"),
            StorageLocation = f.Str("StorageLocation"),
            Description = f.Str("Description"),
            UserData = f.Str("UserData"),
            CateIds = f.List("CateIds"),
            AppId = f.Str("AppId"),
        },
        "GetVideoInfo" => new GetVideoInfoRequest { VideoId = f.Str("VideoId")! },
        "GetImageInfo" => new GetImageInfoRequest { ImageId = f.Str("ImageId")!, AuthTimeout = f.Long("AuthTimeout") },
        "GetMezzanineInfo" => new GetMezzanineInfoRequest { VideoId = f.Str("VideoId")!, AuthTimeout = f.Long("AuthTimeout") },
        "GetAttachedMediaInfo" => new GetAttachedMediaInfoRequest { MediaIds = f.List("MediaIds")!, AuthTimeout = f.Long("AuthTimeout") },
        "DeleteVideo" => new DeleteVideoRequest { VideoIds = f.List("VideoIds")! },
        "UploadMediaByURL" => new UploadMediaByUrlRequest
        {
            UploadUrls = f.List("UploadURLs")!,
            TemplateGroupId = f.Str("TemplateGroupId"),
            StorageLocation = f.Str("StorageLocation"),
            UploadMetadatas = f.TryGetProperty("UploadMetadatas", out var metadatas)
                ? metadatas.EnumerateArray().Select(m => new UrlUploadMetadata
                {
                    SourceUrl = m.Str("SourceURL")!,
                    Title = m.Str("Title")!,
                    FileSize = m.Long("FileSize"),
                    Description = m.Str("Description"),
                    CateId = m.Long("CateId"),
                    Tags = m.Str("Tags"),
                }).ToList()
                : null,
            UserData = f.Str("UserData"),
            AppId = f.Str("AppId"),
            WorkflowId = f.Str("WorkflowId"),
        },
        "GetURLUploadInfos" => new GetUrlUploadInfosRequest { JobIds = f.List("JobIds"), UploadUrls = f.List("UploadURLs") },
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "No typed request for this action."),
    };

    public static AssumeRoleRequest AssumeRole(JsonElement f) => new()
    {
        RoleArn = f.Str("RoleArn")!,
        RoleSessionName = f.Str("RoleSessionName")!,
        Duration = f.Long("DurationSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        Policy = f.Str("Policy"),
    };
}
