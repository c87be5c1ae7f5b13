using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>CreateUploadAttachedMedia: register an auxiliary file (watermark, subtitle, material).</summary>
public sealed class CreateUploadAttachedMediaRequest : VodRequest
{
    /// <summary>Most categories one attached media may have.</summary>
    public const int MaxCateIds = 5;

    /// <inheritdoc/>
    public override string Action => "CreateUploadAttachedMedia";

    /// <summary>Required: <c>watermark</c>, <c>subtitle</c> or <c>material</c>.</summary>
    public required string BusinessType { get; init; }

    /// <summary>File extension, e.g. <c>png</c>, <c>srt</c>.</summary>
    public string? MediaExt { get; init; }

    /// <summary>Up to 128 characters.</summary>
    public string? Title { get; init; }

    /// <summary>The source file name.</summary>
    public string? FileName { get; init; }

    /// <summary>Size in bytes.</summary>
    public long? FileSize { get; init; }

    /// <summary>Up to 16 tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Storage bucket host.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>Up to 1024 characters.</summary>
    public string? Description { get; init; }

    /// <summary>UserData JSON.</summary>
    public string? UserData { get; init; }

    /// <summary>Up to five category ids.</summary>
    public IReadOnlyList<string>? CateIds { get; init; }

    /// <summary>Application id.</summary>
    public string? AppId { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        VodFieldRules.OneOf(Action, "BusinessType", BusinessType, VodMediaRules.AttachedMediaBusinessTypes, required: true);
        VodFieldRules.Title(Action, Title, required: false);
        VodFieldRules.NonNegative(Action, "FileSize", FileSize);
        VodFieldRules.Tags(Action, Tags);
        VodFieldRules.Description(Action, Description);
        VodFieldRules.UserData(Action, UserData);
        VodFieldRules.Count(Action, "CateIds", CateIds, MaxCateIds, required: false);
    }

    internal override RpcParameters ToParameters()
    {
        var parameters = new RpcParameters
        {
            { "BusinessType", BusinessType },
            { "MediaExt", MediaExt },
            { "Title", Title },
            { "FileName", FileName },
            { "FileSize", FileSize },
            { "Tags", Tags is { Count: > 0 } ? string.Join(',', Tags) : null },
            { "StorageLocation", StorageLocation },
            { "Description", Description },
            { "UserData", UserData },
            { "AppId", AppId },
        };
        parameters.AddList("CateIds", CateIds);
        return parameters;
    }
}

/// <summary>What CreateUploadAttachedMedia returns.</summary>
public sealed record CreateUploadAttachedMediaResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The media id.</summary>
    public string MediaId { get; init; } = string.Empty;

    /// <summary>The media URL.</summary>
    public string? MediaURL { get; init; }

    /// <summary>The OSS URL of the file.</summary>
    public string? FileURL { get; init; }

    /// <summary>Base64 JSON upload address.</summary>
    public string UploadAddress { get; init; } = string.Empty;

    /// <summary>Base64 JSON STS credentials. Secret: never log it.</summary>
    public string UploadAuth { get; init; } = string.Empty;

    /// <summary>Decodes <see cref="UploadAddress"/>.</summary>
    public UploadAddress DecodeAddress() => VodApi.UploadAddress.Decode(UploadAddress);

    /// <summary>Decodes <see cref="UploadAuth"/>.</summary>
    public UploadAuth DecodeAuth() => VodApi.UploadAuth.Decode(UploadAuth);

    /// <inheritdoc/>
    public override string ToString() => $"CreateUploadAttachedMediaResponse({MediaId}, RequestId {RequestId})";
}
