using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>GetAttachedMediaInfo: attached media (watermarks, subtitles, materials) by id, up to 20 at a time.</summary>
public sealed class GetAttachedMediaInfoRequest : VodRequest
{
    /// <inheritdoc/>
    public override string Action => "GetAttachedMediaInfo";

    /// <summary>Required. The media ids (at most 20).</summary>
    public required IReadOnlyList<string> MediaIds { get; init; }

    /// <summary>Lifetime of a signed URL in seconds, when URL authentication is on.</summary>
    public long? AuthTimeout { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        VodFieldRules.Count(Action, "MediaIds", [.. MediaIds], 20, required: true);
        VodFieldRules.NonNegative(Action, "AuthTimeout", AuthTimeout);
    }

    internal override RpcParameters ToParameters() => new() { { "MediaIds", string.Join(',', MediaIds) }, { "AuthTimeout", AuthTimeout } };
}

/// <summary>What GetAttachedMediaInfo returns.</summary>
public sealed record GetAttachedMediaInfoResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The media found.</summary>
    public IReadOnlyList<VodAttachedMedia> AttachedMediaList { get; init; } = [];

    /// <summary>Ids that name no media.</summary>
    public IReadOnlyList<string> NonExistMediaIds { get; init; } = [];
}

/// <summary>An attached media's metadata.</summary>
public sealed record VodAttachedMedia
{
    /// <summary>Media id.</summary>
    public string MediaId { get; init; } = string.Empty;

    /// <summary>Title.</summary>
    public string? Title { get; init; }

    /// <summary>watermark, subtitle or material.</summary>
    public string? BusinessType { get; init; }

    /// <summary>Status: Uploading, Normal, UploadFail.</summary>
    public string? Status { get; init; }

    /// <summary>URL of the file.</summary>
    public string? URL { get; init; }

    /// <summary>Size in bytes.</summary>
    public long? FileSize { get; init; }

    /// <summary>Creation time.</summary>
    public string? CreationTime { get; init; }
}
