using System.Text.Json;
using System.Text.Json.Serialization;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Rpc;
using Vod.Alibaba.Signing;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>
/// UploadMediaByURL: VOD pulls up to 20 files from URLs itself (asynchronous; one UploadByURLComplete callback each).
/// Not idempotent: every call creates new media.
/// </summary>
public sealed class UploadMediaByUrlRequest : VodRequest
{
    /// <summary>Most URLs one call may submit.</summary>
    public const int MaxUrls = 20;

    /// <inheritdoc/>
    public override string Action => "UploadMediaByURL";

    /// <summary>Required. Source URLs (sent each URL-encoded, comma-separated).</summary>
    public required IReadOnlyList<string> UploadUrls { get; init; }

    /// <summary>Transcoding template group.</summary>
    public string? TemplateGroupId { get; init; }

    /// <summary>Storage bucket host.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>Per-URL metadata; each <see cref="UrlUploadMetadata.SourceUrl"/> must be one of <see cref="UploadUrls"/>.</summary>
    public IReadOnlyList<UrlUploadMetadata>? UploadMetadatas { get; init; }

    /// <summary>UserData JSON.</summary>
    public string? UserData { get; init; }

    /// <summary>Application id.</summary>
    public string? AppId { get; init; }

    /// <summary>Workflow id.</summary>
    public string? WorkflowId { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        VodFieldRules.Count(Action, "UploadURLs", UploadUrls, MaxUrls, required: true);
        foreach (var url in UploadUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new AlibabaRequestValidationException(Action, "UploadURLs", "must hold absolute http or https URLs.");
            }
        }

        VodFieldRules.UserData(Action, UserData);
        foreach (var metadata in UploadMetadatas ?? [])
        {
            if (!UploadUrls.Contains(metadata.SourceUrl, StringComparer.Ordinal))
            {
                throw new AlibabaRequestValidationException(Action, "UploadMetadatas", "names a SourceURL that is not in UploadURLs.");
            }

            VodFieldRules.Title(Action, metadata.Title, required: true);
            VodFieldRules.Description(Action, metadata.Description);
            VodFieldRules.Tags(Action, metadata.Tags?.Split(','));
        }
    }

    internal override RpcParameters ToParameters() => new()
    {
        { "UploadURLs", string.Join(',', UploadUrls.Select(AcsPercentEncoding.Encode)) },
        { "TemplateGroupId", TemplateGroupId },
        { "StorageLocation", StorageLocation },
        { "UploadMetadatas", UploadMetadatas is { Count: > 0 } ? JsonSerializer.Serialize(UploadMetadatas, MetadataJson) : null },
        { "UserData", UserData },
        { "AppId", AppId },
        { "WorkflowId", WorkflowId },
    };

    // Written as JavaScript's JSON.stringify writes it (UTF-8 text, no HTML escaping), so the request is the one the
    // official SDKs send for the same metadata.
    private static readonly JsonSerializerOptions MetadataJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>Metadata of one pulled URL.</summary>
public sealed record UrlUploadMetadata
{
    /// <summary>Required. The URL this metadata is for.</summary>
    [JsonPropertyName("SourceURL")]
    public required string SourceUrl { get; init; }

    /// <summary>Required. Title.</summary>
    [JsonPropertyName("Title")]
    public required string Title { get; init; }

    /// <summary>Size in bytes.</summary>
    [JsonPropertyName("FileSize")]
    public long? FileSize { get; init; }

    /// <summary>Description.</summary>
    [JsonPropertyName("Description")]
    public string? Description { get; init; }

    /// <summary>Cover URL.</summary>
    [JsonPropertyName("CoverURL")]
    public string? CoverUrl { get; init; }

    /// <summary>Category id.</summary>
    [JsonPropertyName("CateId")]
    public long? CateId { get; init; }

    /// <summary>Comma-separated tags.</summary>
    [JsonPropertyName("Tags")]
    public string? Tags { get; init; }

    /// <summary>Template group.</summary>
    [JsonPropertyName("TemplateGroupId")]
    public string? TemplateGroupId { get; init; }

    /// <summary>Workflow.</summary>
    [JsonPropertyName("WorkflowId")]
    public string? WorkflowId { get; init; }

    /// <summary>Extension when the URL has none, e.g. <c>mp4</c>.</summary>
    [JsonPropertyName("FileExtension")]
    public string? FileExtension { get; init; }
}

/// <summary>What UploadMediaByURL returns.</summary>
public sealed record UploadMediaByUrlResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>One job per URL.</summary>
    public IReadOnlyList<UrlUploadJob> UploadJobs { get; init; } = [];
}

/// <summary>A pull job.</summary>
public sealed record UrlUploadJob
{
    /// <summary>Job id.</summary>
    public string JobId { get; init; } = string.Empty;

    /// <summary>The URL pulled.</summary>
    [JsonPropertyName("SourceURL")]
    public string? SourceUrl { get; init; }
}
