using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Upload.Ports;

/// <summary><see cref="IVodUploadApi"/> over the VOD API client.</summary>
public sealed class VodUploadApi(VodClient vod) : IVodUploadApi
{
    /// <inheritdoc/>
    public Task<CreatedMedia> CreateVideoAsync(CreateUploadVideoRequest request, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var created = await vod.CreateUploadVideoAsync(request, cancellationToken).ConfigureAwait(false);
        return new CreatedMedia(created.VideoId, new UploadGrant(created.DecodeAddress(), created.DecodeAuth()));
    });

    /// <inheritdoc/>
    public Task<CreatedMedia> CreateImageAsync(CreateUploadImageRequest request, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var created = await vod.CreateUploadImageAsync(request, cancellationToken).ConfigureAwait(false);
        return new CreatedMedia(created.ImageId, new UploadGrant(created.DecodeAddress(), created.DecodeAuth()), created.ImageURL, created.FileURL);
    });

    /// <inheritdoc/>
    public Task<UploadGrant> RefreshVideoAsync(string videoId, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var refreshed = await vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = videoId }, cancellationToken).ConfigureAwait(false);
        return new UploadGrant(refreshed.DecodeAddress(), refreshed.DecodeAuth());
    });

    /// <inheritdoc/>
    public Task DeleteMediaAsync(MediaKind kind, string mediaId, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        if (kind == MediaKind.Image)
        {
            await vod.DeleteImageAsync(new DeleteImageRequest { ImageIds = [mediaId] }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await vod.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [mediaId] }, cancellationToken).ConfigureAwait(false);
        }

        return true;
    });

    internal static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AlibabaCloudException ex)
        {
            throw UploadException.From(ex);
        }
        catch (AlibabaRequestValidationException ex)
        {
            throw new UploadException(UploadErrorCodes.InvalidRequest, ex.Message, UploadErrorKind.Fatal, ex);
        }
    }
}
