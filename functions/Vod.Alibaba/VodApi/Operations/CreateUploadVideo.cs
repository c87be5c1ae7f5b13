using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>CreateUploadVideo: register a video or audio file and get where and how to upload it.</summary>
public sealed class CreateUploadVideoRequest : VodRequest
{
    /// <inheritdoc/>
    public override string Action => "CreateUploadVideo";

    /// <summary>Required. Up to 128 characters, no emoji.</summary>
    public required string Title { get; init; }

    /// <summary>Required. The source file name; its extension must be a video or audio format VOD accepts.</summary>
    public required string FileName { get; init; }

    /// <summary>The file size in bytes.</summary>
    public long? FileSize { get; init; }

    /// <summary>Up to 1024 characters.</summary>
    public string? Description { get; init; }

    /// <summary>A custom cover image URL.</summary>
    public string? CoverUrl { get; init; }

    /// <summary>Category id.</summary>
    public long? CateId { get; init; }

    /// <summary>Up to 16 tags of up to 32 characters each; sent comma-separated.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Transcoding template group.</summary>
    public string? TemplateGroupId { get; init; }

    /// <summary>Workflow; wins over <see cref="TemplateGroupId"/>.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Storage bucket host, e.g. <c>outin-xxxx.oss-cn-shanghai.aliyuncs.com</c>.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>UserData JSON (<see cref="VodUserData"/> builds it).</summary>
    public string? UserData { get; init; }

    /// <summary>Application id (VOD's default is <c>app-1000000</c>).</summary>
    public string? AppId { get; init; }

    /// <summary>Caller-chosen unique reference id.</summary>
    public string? ReferenceId { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        VodFieldRules.Title(Action, Title, required: true);
        VodFieldRules.FileName(Action, FileName, VodMediaRules.IsVideoOrAudio, "video or audio");
        VodFieldRules.NonNegative(Action, "FileSize", FileSize);
        VodFieldRules.Description(Action, Description);
        VodFieldRules.Tags(Action, Tags);
        VodFieldRules.UserData(Action, UserData);
    }

    internal override RpcParameters ToParameters() => new()
    {
        { "Title", Title },
        { "FileName", FileName },
        { "FileSize", FileSize },
        { "Description", Description },
        { "CoverURL", CoverUrl },
        { "CateId", CateId },
        { "Tags", Tags is { Count: > 0 } ? string.Join(',', Tags) : null },
        { "TemplateGroupId", TemplateGroupId },
        { "WorkflowId", WorkflowId },
        { "StorageLocation", StorageLocation },
        { "UserData", UserData },
        { "AppId", AppId },
        { "ReferenceId", ReferenceId },
    };
}

/// <summary>What CreateUploadVideo and RefreshUploadVideo return.</summary>
public sealed record UploadVideoResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The video id.</summary>
    public string VideoId { get; init; } = string.Empty;

    /// <summary>Base64 JSON upload address; <see cref="DecodeAddress"/> decodes it.</summary>
    public string UploadAddress { get; init; } = string.Empty;

    /// <summary>Base64 JSON STS credentials; <see cref="DecodeAuth"/> decodes it. Secret: never log it.</summary>
    public string UploadAuth { get; init; } = string.Empty;

    /// <summary>Decodes <see cref="UploadAddress"/>.</summary>
    public UploadAddress DecodeAddress() => VodApi.UploadAddress.Decode(UploadAddress);

    /// <summary>Decodes <see cref="UploadAuth"/>.</summary>
    public UploadAuth DecodeAuth() => VodApi.UploadAuth.Decode(UploadAuth);

    /// <inheritdoc/>
    public override string ToString() => $"UploadVideoResponse({VideoId}, RequestId {RequestId})";
}
