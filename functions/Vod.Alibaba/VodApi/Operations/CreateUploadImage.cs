using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>CreateUploadImage: register an image. No refresh exists; create again when the credential expires.</summary>
public sealed class CreateUploadImageRequest : VodRequest
{
    /// <inheritdoc/>
    public override string Action => "CreateUploadImage";

    /// <summary>Required: <c>default</c>, <c>cover</c> or <c>watermark</c>.</summary>
    public required string ImageType { get; init; }

    /// <summary><c>png</c> (VOD's default), <c>jpg</c>, <c>jpeg</c> or <c>gif</c>.</summary>
    public string? ImageExt { get; init; }

    /// <summary>Up to 128 bytes.</summary>
    public string? Title { get; init; }

    /// <summary>Up to 16 tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Storage bucket host.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>Category id.</summary>
    public long? CateId { get; init; }

    /// <summary>UserData JSON.</summary>
    public string? UserData { get; init; }

    /// <summary>Up to 1024 characters.</summary>
    public string? Description { get; init; }

    /// <summary>Application id.</summary>
    public string? AppId { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        VodFieldRules.OneOf(Action, "ImageType", ImageType, VodMediaRules.ImageTypes, required: true);
        VodFieldRules.OneOf(Action, "ImageExt", ImageExt?.ToLowerInvariant(), VodMediaRules.ImageExtensions as IReadOnlySet<string>, required: false);
        VodFieldRules.Title(Action, Title, required: false, limitInBytes: true);
        VodFieldRules.Tags(Action, Tags);
        VodFieldRules.Description(Action, Description);
        VodFieldRules.UserData(Action, UserData);
    }

    internal override RpcParameters ToParameters() => new()
    {
        { "ImageType", ImageType },
        { "ImageExt", ImageExt },
        { "Title", Title },
        { "Tags", Tags is { Count: > 0 } ? string.Join(',', Tags) : null },
        { "StorageLocation", StorageLocation },
        { "CateId", CateId },
        { "UserData", UserData },
        { "Description", Description },
        { "AppId", AppId },
    };
}

/// <summary>What CreateUploadImage returns.</summary>
public sealed record CreateUploadImageResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The image id.</summary>
    public string ImageId { get; init; } = string.Empty;

    /// <summary>The image's URL (signed when URL authentication is on).</summary>
    public string? ImageURL { get; init; }

    /// <summary>The OSS URL of the image, without authentication parameters.</summary>
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
    public override string ToString() => $"CreateUploadImageResponse({ImageId}, RequestId {RequestId})";
}
