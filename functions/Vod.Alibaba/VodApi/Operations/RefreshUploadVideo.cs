using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>
/// RefreshUploadVideo: new upload credentials for an existing video; the upload address stays the same, so an OSS
/// multipart upload in progress survives it.
/// </summary>
public sealed class RefreshUploadVideoRequest : VodRequest
{
    /// <inheritdoc/>
    public override string Action => "RefreshUploadVideo";

    /// <summary>Required. The video to refresh.</summary>
    public required string VideoId { get; init; }

    /// <inheritdoc/>
    public override void Validate() => VodFieldRules.Required(Action, "VideoId", VideoId);

    internal override RpcParameters ToParameters() => new() { { "VideoId", VideoId } };
}
