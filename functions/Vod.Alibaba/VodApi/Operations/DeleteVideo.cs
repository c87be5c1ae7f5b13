using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>DeleteVideo: delete up to 20 videos with their files.</summary>
public sealed class DeleteVideoRequest : VodRequest
{
    /// <summary>Most videos one call may delete.</summary>
    public const int MaxVideoIds = 20;

    /// <inheritdoc/>
    public override string Action => "DeleteVideo";

    /// <summary>Required. One to 20 video ids; sent comma-separated.</summary>
    public required IReadOnlyList<string> VideoIds { get; init; }

    /// <inheritdoc/>
    public override void Validate() => VodFieldRules.Count(Action, "VideoIds", VideoIds, MaxVideoIds, required: true);

    internal override RpcParameters ToParameters()
    {
        var parameters = new RpcParameters();
        parameters.AddList("VideoIds", VideoIds);
        return parameters;
    }
}

/// <summary>What DeleteVideo returns.</summary>
public sealed record DeleteVideoResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Ids that did not exist.</summary>
    public IReadOnlyList<string> NonExistVideoIds { get; init; } = [];

    /// <summary>Ids the caller may not delete.</summary>
    public IReadOnlyList<string> ForbiddenVideoIds { get; init; } = [];
}
