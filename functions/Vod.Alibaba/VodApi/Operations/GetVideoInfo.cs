using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>GetVideoInfo: a video's metadata and status.</summary>
public sealed class GetVideoInfoRequest : VodRequest
{
    /// <inheritdoc/>
    public override string Action => "GetVideoInfo";

    /// <summary>Required. The video id.</summary>
    public required string VideoId { get; init; }

    /// <inheritdoc/>
    public override void Validate() => VodFieldRules.Required(Action, "VideoId", VideoId);

    internal override RpcParameters ToParameters() => new() { { "VideoId", VideoId } };
}

/// <summary>What GetVideoInfo returns.</summary>
public sealed record GetVideoInfoResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The video.</summary>
    public VodVideo Video { get; init; } = new();
}

/// <summary>A video's metadata. <see cref="Status"/> goes Uploading → UploadSucc → Transcoding → Normal.</summary>
public sealed record VodVideo
{
    /// <summary>Video id.</summary>
    public string VideoId { get; init; } = string.Empty;

    /// <summary>Title.</summary>
    public string? Title { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Duration in seconds.</summary>
    public double? Duration { get; init; }

    /// <summary>Cover URL.</summary>
    public string? CoverURL { get; init; }

    /// <summary>Status: Uploading, UploadSucc, Transcoding, Normal, TranscodeFail, Checking, Blocked, ProduceFail ….</summary>
    public string? Status { get; init; }

    /// <summary>Creation time (UTC, ISO 8601).</summary>
    public string? CreationTime { get; init; }

    /// <summary>Last modification time.</summary>
    public string? ModificationTime { get; init; }

    /// <summary>Size of the source file in bytes.</summary>
    public long? Size { get; init; }

    /// <summary>Category id.</summary>
    public long? CateId { get; init; }

    /// <summary>Category name.</summary>
    public string? CateName { get; init; }

    /// <summary>Comma-separated tags.</summary>
    public string? Tags { get; init; }

    /// <summary>Template group.</summary>
    public string? TemplateGroupId { get; init; }

    /// <summary>Storage bucket host.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>Region.</summary>
    public string? RegionId { get; init; }

    /// <summary>Application id.</summary>
    public string? AppId { get; init; }

    /// <summary>Review status.</summary>
    public string? AuditStatus { get; init; }
}
