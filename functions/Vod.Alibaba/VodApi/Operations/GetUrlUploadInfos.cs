using System.Text.Json.Serialization;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Rpc;
using Vod.Alibaba.Signing;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>GetURLUploadInfos: the state of pull jobs, by job id or by URL (job ids win when both are given).</summary>
public sealed class GetUrlUploadInfosRequest : VodRequest
{
    /// <summary>Most ids or URLs one call may ask about.</summary>
    public const int MaxItems = 10;

    /// <inheritdoc/>
    public override string Action => "GetURLUploadInfos";

    /// <summary>Up to 10 job ids.</summary>
    public IReadOnlyList<string>? JobIds { get; init; }

    /// <summary>Up to 10 source URLs (sent each URL-encoded, comma-separated).</summary>
    public IReadOnlyList<string>? UploadUrls { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        if (JobIds is not { Count: > 0 } && UploadUrls is not { Count: > 0 })
        {
            throw new AlibabaRequestValidationException(Action, "JobIds", "or UploadURLs must name at least one job.");
        }

        VodFieldRules.Count(Action, "JobIds", JobIds, MaxItems, required: false);
        VodFieldRules.Count(Action, "UploadURLs", UploadUrls, MaxItems, required: false);
    }

    internal override RpcParameters ToParameters()
    {
        var parameters = new RpcParameters();
        parameters.AddList("JobIds", JobIds);
        parameters.Add("UploadURLs", UploadUrls is { Count: > 0 } ? string.Join(',', UploadUrls.Select(AcsPercentEncoding.Encode)) : null);
        return parameters;
    }
}

/// <summary>What GetURLUploadInfos returns.</summary>
public sealed record GetUrlUploadInfosResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The jobs found.</summary>
    [JsonPropertyName("URLUploadInfoList")]
    public IReadOnlyList<UrlUploadInfo> UrlUploadInfoList { get; init; } = [];

    /// <summary>Ids or URLs not found.</summary>
    public IReadOnlyList<string> NonExists { get; init; } = [];
}

/// <summary>State of one pull job.</summary>
public sealed record UrlUploadInfo
{
    /// <summary>Job id.</summary>
    public string JobId { get; init; } = string.Empty;

    /// <summary>Source URL.</summary>
    [JsonPropertyName("UploadURL")]
    public string? UploadUrl { get; init; }

    /// <summary>The media id created.</summary>
    public string? MediaId { get; init; }

    /// <summary>PENDING, PROCESSING, DOWNLOADING, DOWNLOAD_SUCCESS, DOWNLOAD_FAIL, UPLOADING, UPLOAD_SUCCESS, UPLOAD_FAIL, SUCCESS.</summary>
    public string? Status { get; init; }

    /// <summary>Creation time.</summary>
    public string? CreationTime { get; init; }

    /// <summary>Completion time.</summary>
    public string? CompleteTime { get; init; }

    /// <summary>Size in bytes (VOD sends it as a string).</summary>
    public string? FileSize { get; init; }

    /// <summary>UserData echoed.</summary>
    public string? UserData { get; init; }

    /// <summary>Error code when failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Error message when failed.</summary>
    public string? ErrorMessage { get; init; }
}
