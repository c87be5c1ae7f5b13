using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>GetMezzanineInfo: the stored source file of a video (its URL, size and CRC-64), as VOD keeps it.</summary>
public sealed class GetMezzanineInfoRequest : VodRequest
{
    /// <inheritdoc/>
    public override string Action => "GetMezzanineInfo";

    /// <summary>Required. The video id.</summary>
    public required string VideoId { get; init; }

    /// <summary>Lifetime of a signed URL in seconds, when URL authentication is on.</summary>
    public long? AuthTimeout { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        VodFieldRules.Required(Action, "VideoId", VideoId);
        VodFieldRules.NonNegative(Action, "AuthTimeout", AuthTimeout);
    }

    internal override RpcParameters ToParameters() => new() { { "VideoId", VideoId }, { "AuthTimeout", AuthTimeout } };
}

/// <summary>What GetMezzanineInfo returns.</summary>
public sealed record GetMezzanineInfoResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The source file.</summary>
    public VodMezzanine Mezzanine { get; init; } = new();
}

/// <summary>A video's stored source file.</summary>
public sealed record VodMezzanine
{
    /// <summary>Video id.</summary>
    public string VideoId { get; init; } = string.Empty;

    /// <summary>OSS URL of the file.</summary>
    public string? FileURL { get; init; }

    /// <summary>File name.</summary>
    public string? FileName { get; init; }

    /// <summary>Size in bytes.</summary>
    public long? Size { get; init; }

    /// <summary>Status of the file: Uploading, Normal, UploadFail, Deleted.</summary>
    public string? Status { get; init; }

    /// <summary>CRC-64 of the file, as OSS computed it (decimal).</summary>
    public string? CRC64 { get; init; }

    /// <summary>Creation time.</summary>
    public string? CreationTime { get; init; }
}
