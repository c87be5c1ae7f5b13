using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload.Engine;
using Vod.Upload.Ports;

namespace Vod.Upload.Steps;

/// <summary>The VOD requests that create a media for a plan.</summary>
internal static class MediaCreation
{
    /// <summary>The title: the caller's, else the file name without extension (cut to VOD's limit only then).</summary>
    public static string TitleFor(string fileName, MediaMetadata metadata)
    {
        if (metadata.Title is { } title)
        {
            return title;
        }

        var fromName = Path.GetFileNameWithoutExtension(fileName);
        return fromName.Length > VodMediaRules.MaxTitleLength ? fromName[..VodMediaRules.MaxTitleLength] : fromName;
    }

    /// <summary>
    /// Checks <paramref name="metadata"/> against VOD's rules for the request that will create the media, before anything
    /// is read, recorded or sent: a field VOD would refuse fails the upload at once with <see cref="UploadErrorCodes.InvalidRequest"/>.
    /// </summary>
    public static void Validate(MediaKind kind, string fileName, MediaMetadata metadata)
    {
        try
        {
            VodRequest request = kind == MediaKind.Image ? ImageRequest(fileName, metadata) : VideoRequest(fileName, 0, metadata);
            request.Validate();
        }
        catch (Alibaba.Errors.AlibabaRequestValidationException ex)
        {
            throw new UploadException(UploadErrorCodes.InvalidRequest, ex.Message, UploadErrorKind.Fatal, ex);
        }
    }

    /// <summary>CreateUploadVideo for the plan.</summary>
    public static Task<CreatedMedia> CreateVideoAsync(IVodUploadApi vod, UploadPlan plan, MediaMetadata metadata, CancellationToken cancellationToken) =>
        vod.CreateVideoAsync(VideoRequest(plan.Source.FileName, plan.Parts.TotalSize, metadata), cancellationToken);

    /// <summary>CreateUploadImage for the plan.</summary>
    public static Task<CreatedMedia> CreateImageAsync(IVodUploadApi vod, UploadPlan plan, MediaMetadata metadata, CancellationToken cancellationToken) =>
        vod.CreateImageAsync(ImageRequest(plan.Source.FileName, metadata), cancellationToken);

    private static CreateUploadVideoRequest VideoRequest(string fileName, long size, MediaMetadata metadata) =>
        new()
        {
            Title = TitleFor(fileName, metadata),
            FileName = fileName,
            FileSize = size,
            CateId = metadata.CateId,
            Tags = metadata.Tags,
            Description = metadata.Description,
            TemplateGroupId = metadata.TemplateGroupId,
            WorkflowId = metadata.WorkflowId,
            StorageLocation = metadata.StorageLocation,
            UserData = metadata.UserData,
            AppId = metadata.AppId,
        };

    private static CreateUploadImageRequest ImageRequest(string fileName, MediaMetadata metadata) =>
        new()
        {
            ImageType = metadata.ImageType ?? "default",
            ImageExt = metadata.ImageExt ?? VodMediaRules.ExtensionOf(fileName),
            Title = TitleFor(fileName, metadata),
            Tags = metadata.Tags,
            CateId = metadata.CateId,
            Description = metadata.Description,
            StorageLocation = metadata.StorageLocation,
            UserData = metadata.UserData,
            AppId = metadata.AppId,
        };
}
