using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload.Engine;
using Vod.Upload.Ports;

namespace Vod.Upload.Steps;

/// <summary>The VOD requests that create a media for a plan.</summary>
internal static class MediaCreation
{
    /// <summary>The title: the caller's, else the file name without extension (cut to VOD's limit only then).</summary>
    public static string TitleFor(UploadPlan plan, MediaMetadata metadata)
    {
        if (metadata.Title is { } title)
        {
            return title;
        }

        var fromName = Path.GetFileNameWithoutExtension(plan.Source.FileName);
        return fromName.Length > VodMediaRules.MaxTitleLength ? fromName[..VodMediaRules.MaxTitleLength] : fromName;
    }

    /// <summary>CreateUploadVideo for the plan.</summary>
    public static Task<CreatedMedia> CreateVideoAsync(IVodUploadApi vod, UploadPlan plan, MediaMetadata metadata, CancellationToken cancellationToken) =>
        vod.CreateVideoAsync(new CreateUploadVideoRequest
        {
            Title = TitleFor(plan, metadata),
            FileName = plan.Source.FileName,
            FileSize = plan.Parts.TotalSize,
            CateId = metadata.CateId,
            Tags = metadata.Tags,
            Description = metadata.Description,
            TemplateGroupId = metadata.TemplateGroupId,
            WorkflowId = metadata.WorkflowId,
            StorageLocation = metadata.StorageLocation,
            UserData = metadata.UserData,
            AppId = metadata.AppId,
        }, cancellationToken);

    /// <summary>CreateUploadImage for the plan.</summary>
    public static Task<CreatedMedia> CreateImageAsync(IVodUploadApi vod, UploadPlan plan, MediaMetadata metadata, CancellationToken cancellationToken) =>
        vod.CreateImageAsync(new CreateUploadImageRequest
        {
            ImageType = metadata.ImageType ?? "default",
            ImageExt = metadata.ImageExt ?? VodMediaRules.ExtensionOf(plan.Source.FileName),
            Title = TitleFor(plan, metadata),
            Tags = metadata.Tags,
            CateId = metadata.CateId,
            Description = metadata.Description,
            StorageLocation = metadata.StorageLocation,
            UserData = metadata.UserData,
            AppId = metadata.AppId,
        }, cancellationToken);
}
