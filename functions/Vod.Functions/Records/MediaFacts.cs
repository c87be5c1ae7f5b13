using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Functions.Records;

/// <summary>What the VOD API says about a media: the only source of a record's status, file URL and size.</summary>
/// <param name="Exists">False when VOD answered that the media does not exist.</param>
/// <param name="Status">VOD's status (Uploading, UploadSucc, Transcoding, Normal, TranscodeFail, …).</param>
/// <param name="FileUrl">The stored source file's URL.</param>
/// <param name="Size">The stored source file's size in bytes.</param>
public sealed record MediaFacts(bool Exists, string? Status, string? FileUrl, long? Size)
{
    /// <summary>The answer for a media VOD does not know.</summary>
    public static MediaFacts Gone { get; } = new(false, "Deleted", null, null);
}

/// <summary>Where facts about media come from: the VOD API (<see cref="VodMediaFacts"/>), or a fake in tests.</summary>
public interface IMediaFacts
{
    /// <summary>VOD's answer, <see cref="MediaFacts.Gone"/> when it does not know the media.</summary>
    /// <exception cref="AlibabaCloudException">VOD could not answer (throttled, down, refused).</exception>
    Task<MediaFacts> GetAsync(string kind, string mediaId, CancellationToken cancellationToken);
}

/// <summary>Asks VOD about one media: GetVideoInfo (+ GetMezzanineInfo once the file arrived), GetImageInfo, GetAttachedMediaInfo.</summary>
public sealed class VodMediaFacts(VodClient vod) : IMediaFacts
{
    /// <inheritdoc/>
    public async Task<MediaFacts> GetAsync(string kind, string mediaId, CancellationToken cancellationToken) => kind switch
    {
        RecordKinds.Video => await VideoAsync(mediaId, cancellationToken).ConfigureAwait(false),
        RecordKinds.Image => await ImageAsync(mediaId, cancellationToken).ConfigureAwait(false),
        RecordKinds.Attached => await AttachedAsync(mediaId, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A media kind is video, image or attached."),
    };

    private async Task<MediaFacts> VideoAsync(string videoId, CancellationToken cancellationToken)
    {
        VodVideo video;
        try
        {
            video = (await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = videoId }, cancellationToken).ConfigureAwait(false)).Video;
        }
        catch (AlibabaCloudException ex) when (ex.Kind == AlibabaErrorKind.MediaGone)
        {
            // Only VOD's own "no such video" means gone; a refused key (InvalidAccessKeyId.NotFound) is not an answer.
            return MediaFacts.Gone;
        }

        if (video.Status is null or "Uploading")
        {
            return new MediaFacts(true, video.Status ?? "Uploading", null, null);
        }

        // The source file is known once it has arrived; GetVideoInfo's Size alone does not say where it is.
        try
        {
            var mezzanine = (await vod.GetMezzanineInfoAsync(new GetMezzanineInfoRequest { VideoId = videoId }, cancellationToken).ConfigureAwait(false)).Mezzanine;
            return new MediaFacts(true, video.Status, mezzanine.FileURL, mezzanine.Size ?? video.Size);
        }
        catch (AlibabaCloudException ex) when (ex.Kind == AlibabaErrorKind.MediaGone)
        {
            // No source file (yet, or any more): the video's own status stands.
            return new MediaFacts(true, video.Status, null, video.Size);
        }
    }

    private async Task<MediaFacts> ImageAsync(string imageId, CancellationToken cancellationToken)
    {
        try
        {
            var image = (await vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = imageId }, cancellationToken).ConfigureAwait(false)).ImageInfo;
            return new MediaFacts(true, image.Status ?? "Uploading", image.Mezzanine?.FileURL ?? image.URL, image.Mezzanine?.FileSize);
        }
        catch (AlibabaCloudException ex) when (ex.Kind == AlibabaErrorKind.MediaGone || ex.Code == "InvalidImage.NotFound")
        {
            return MediaFacts.Gone;
        }
    }

    private async Task<MediaFacts> AttachedAsync(string mediaId, CancellationToken cancellationToken)
    {
        var answer = await vod.GetAttachedMediaInfoAsync(new GetAttachedMediaInfoRequest { MediaIds = [mediaId] }, cancellationToken).ConfigureAwait(false);
        return answer.AttachedMediaList.FirstOrDefault(m => m.MediaId == mediaId) is { } media
            ? new MediaFacts(true, media.Status ?? "Uploading", media.URL, media.FileSize)
            : MediaFacts.Gone;
    }
}
