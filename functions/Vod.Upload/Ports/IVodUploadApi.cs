using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Upload.Ports;

/// <summary>
/// The VOD calls an upload makes. Failures are <see cref="UploadException"/>s whose kind says what to do
/// (<see cref="UploadErrorKind.MediaGone"/> when the media no longer exists); no call leaks a secret into a message.
/// </summary>
public interface IVodUploadApi
{
    /// <summary>CreateUploadVideo: a new video with its upload address and credential.</summary>
    Task<CreatedMedia> CreateVideoAsync(CreateUploadVideoRequest request, CancellationToken cancellationToken);

    /// <summary>CreateUploadImage: a new image with its upload address and credential (which cannot be refreshed).</summary>
    Task<CreatedMedia> CreateImageAsync(CreateUploadImageRequest request, CancellationToken cancellationToken);

    /// <summary>RefreshUploadVideo: a fresh credential (and the address) of an existing video.</summary>
    Task<UploadGrant> RefreshVideoAsync(string videoId, CancellationToken cancellationToken);

    /// <summary>Deletes a video or an image; one that does not exist is no error.</summary>
    Task DeleteMediaAsync(MediaKind kind, string mediaId, CancellationToken cancellationToken);
}

/// <summary>Where a media's file goes and the credential that may write it.</summary>
/// <param name="Address">The OSS address.</param>
/// <param name="Auth">The STS credential; never persisted, never logged.</param>
public sealed record UploadGrant(UploadAddress Address, UploadAuth Auth);

/// <summary>A media VOD just created.</summary>
/// <param name="MediaId">VideoId or ImageId.</param>
/// <param name="Grant">Its address and credential.</param>
/// <param name="ImageUrl">An image's URL.</param>
/// <param name="FileUrl">An image's file URL.</param>
public sealed record CreatedMedia(string MediaId, UploadGrant Grant, string? ImageUrl = null, string? FileUrl = null);
