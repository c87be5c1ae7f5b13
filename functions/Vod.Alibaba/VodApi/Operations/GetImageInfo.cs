using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>GetImageInfo: an image's metadata and URL.</summary>
public sealed class GetImageInfoRequest : VodRequest
{
    /// <inheritdoc/>
    public override string Action => "GetImageInfo";

    /// <summary>Required. The image id.</summary>
    public required string ImageId { get; init; }

    /// <summary>Lifetime of a signed URL in seconds, when URL authentication is on.</summary>
    public long? AuthTimeout { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        VodFieldRules.Required(Action, "ImageId", ImageId);
        VodFieldRules.NonNegative(Action, "AuthTimeout", AuthTimeout);
    }

    internal override RpcParameters ToParameters() => new() { { "ImageId", ImageId }, { "AuthTimeout", AuthTimeout } };
}

/// <summary>What GetImageInfo returns.</summary>
public sealed record GetImageInfoResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The image.</summary>
    public VodImage ImageInfo { get; init; } = new();
}

/// <summary>An image's metadata.</summary>
public sealed record VodImage
{
    /// <summary>Image id.</summary>
    public string ImageId { get; init; } = string.Empty;

    /// <summary>Title.</summary>
    public string? Title { get; init; }

    /// <summary>Status: Uploading, Normal, UploadFail.</summary>
    public string? Status { get; init; }

    /// <summary>Image type.</summary>
    public string? ImageType { get; init; }

    /// <summary>Image URL.</summary>
    public string? URL { get; init; }

    /// <summary>Creation time.</summary>
    public string? CreationTime { get; init; }

    /// <summary>Storage bucket host.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>The stored file.</summary>
    public VodImageMezzanine? Mezzanine { get; init; }
}

/// <summary>The stored source file of an image.</summary>
public sealed record VodImageMezzanine
{
    /// <summary>OSS URL of the file.</summary>
    public string? FileURL { get; init; }

    /// <summary>Original name.</summary>
    public string? OriginalFileName { get; init; }

    /// <summary>Size in bytes.</summary>
    public long? FileSize { get; init; }

    /// <summary>Width in pixels.</summary>
    public int? Width { get; init; }

    /// <summary>Height in pixels.</summary>
    public int? Height { get; init; }
}
