using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using Vod.Alibaba.VodApi;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Pull;
using Vod.Upload.Sources;

namespace Vod.Functions.Uploads;

/// <summary>Why a blob is not uploaded.</summary>
public sealed record Refusal(string Code, string Reason);

/// <summary>
/// Builds upload jobs from blobs: reads properties (never content), applies app defaults and metadata, and decides the
/// transfer mode (API <c>options.transferMode</c>, else blob metadata <c>transfermode</c>, else <c>Vod__DefaultTransferMode</c>;
/// <c>auto</c> resolved by <see cref="TransferModeChooser"/>).
/// </summary>
public sealed class UploadJobFactory(BlobServiceClient blobs, IOptions<VodFunctionsOptions> options, IPullUrlSigner? signer = null)
{
    /// <summary>The job for a blob, or why it is refused. Throws <see cref="RequestFailedException"/> 404 when the blob is gone.</summary>
    public async Task<(UploadJob? Job, Refusal? Refusal)> ForBlobAsync(string container, string name, MediaMetadata? overrides, UploadOptions? engineOptions, CancellationToken cancellationToken)
    {
        var properties = (await blobs.GetBlobContainerClient(container).GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        if (properties.ContentLength == 0)
        {
            return (null, new Refusal(UploadErrorCodes.EmptySource, "The blob is empty; VOD cannot take a zero-byte file."));
        }

        var extension = VodMediaRules.ExtensionOf(name);
        if (!VodMediaRules.IsVideoOrAudio(extension) && !VodMediaRules.ImageExtensions.Contains(extension))
        {
            return (null, new Refusal(UploadErrorCodes.UnsupportedMedia, $"'.{extension}' is not a format VOD accepts."));
        }

        var settings = options.Value;
        var meta = properties.Metadata;
        string? Meta(string key) => meta.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? Uri.UnescapeDataString(value) : null;
        var metadata = new MediaMetadata
        {
            Title = overrides?.Title ?? Meta("title") ?? Path.GetFileNameWithoutExtension(name.Split('/')[^1]),
            CateId = overrides?.CateId ?? (long.TryParse(Meta("cateid"), out var cateId) ? cateId : null),
            Tags = overrides?.Tags ?? Meta("tags")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Description = overrides?.Description ?? Meta("description"),
            TemplateGroupId = overrides?.TemplateGroupId ?? Meta("templategroupid"),
            WorkflowId = overrides?.WorkflowId,
            StorageLocation = overrides?.StorageLocation,
            AppId = overrides?.AppId,
            ImageType = overrides?.ImageType,
        };
        var uploadId = UploadIds.For(container, name, properties.ETag.ToString());
        metadata = metadata with { UserData = new VodUserData { Extend = new Dictionary<string, string> { ["uploadId"] = uploadId } }.ToJson() };
        var engine = engineOptions ?? new UploadOptions
        {
            PartSize = settings.PartSize,
            Parallel = settings.Parallel,
            RetryCount = settings.RetryCount,
            StepRetryCount = settings.StepRetryCount,
            ContentMd5 = settings.ContentMd5,
            RetryDuration = TimeSpan.FromSeconds(settings.RetryDurationSeconds),
        };
        var asked = engineOptions?.TransferMode ?? TransferModeChooser.Parse(Meta("transfermode"));
        var requested = asked ?? TransferModeChooser.Parse(settings.DefaultTransferMode) ?? TransferMode.Push;
        if (Meta("transfermode") is { } metaMode && TransferModeChooser.Parse(metaMode) is null && engineOptions?.TransferMode is null)
        {
            return (null, new Refusal(UploadErrorCodes.InvalidRequest, $"Blob metadata transfermode is '{metaMode}'; it is push, pull or auto."));
        }

        var limits = new PullLimits
        {
            Region = settings.Region,
            Regions = settings.PullRegionList(),
            MaxBytes = settings.PullMaxBytes,
            SourceReachable = settings.PullSourceReachable && signer is not (null or NoPullUrlSigner),
        };
        TransferModeChoice choice;
        try
        {
            choice = TransferModeChooser.Choose(requested, name, properties.ContentLength, limits);
            if (asked is null && choice.Reason == "requested")
            {
                // Nobody asked: the app's default mode applies.
                choice = choice with { Reason = "default" };
            }
        }
        catch (UploadException ex)
        {
            return (null, new Refusal(ex.Code, ex.Message));
        }

        var pull = choice.Mode == TransferMode.Pull
            ? new PullPlan(settings.PullUrlLifetimeMinutes * 60, settings.PullFirstPollSeconds, settings.PullMaxPollSeconds, properties.ContentLength, settings.PullMaxBytes)
            : null;
        return (new UploadJob(uploadId, SourceReference.FromBlob(container, name, properties.ETag.ToString()), metadata, engine, settings.CallbackTimeoutSeconds,
            Mode: choice.Mode, ModeReason: choice.Reason, Pull: pull), null);
    }
}
