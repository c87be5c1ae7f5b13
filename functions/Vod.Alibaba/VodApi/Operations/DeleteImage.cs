using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>DeleteImage by image ids (<c>DeleteImageType=ImageId</c>): delete up to 20 images with their files.</summary>
public sealed class DeleteImageRequest : VodRequest
{
    /// <summary>Most images one call may delete.</summary>
    public const int MaxImageIds = 20;

    /// <inheritdoc/>
    public override string Action => "DeleteImage";

    /// <summary>Required. One to 20 image ids; sent comma-separated.</summary>
    public required IReadOnlyList<string> ImageIds { get; init; }

    /// <inheritdoc/>
    public override void Validate() => VodFieldRules.Count(Action, "ImageIds", ImageIds, MaxImageIds, required: true);

    internal override RpcParameters ToParameters()
    {
        var parameters = new RpcParameters { { "DeleteImageType", "ImageId" } };
        parameters.AddList("ImageIds", ImageIds);
        return parameters;
    }
}

/// <summary>What DeleteImage returns.</summary>
public sealed record DeleteImageResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }
}
