using Vod.Alibaba.VodApi.Operations;

namespace Vod.Upload.Ports;

/// <summary>
/// The VOD calls a pull upload makes (UploadMediaByURL, GetURLUploadInfos, DeleteVideo). Failures are
/// <see cref="UploadException"/>s whose kind says what to do.
/// </summary>
public interface IVodPullApi
{
    /// <summary>UploadMediaByURL for one URL: VOD queues a job and returns its id. Not idempotent: every call is a new media.</summary>
    Task<string> SubmitAsync(UploadMediaByUrlRequest request, CancellationToken cancellationToken);

    /// <summary>GetURLUploadInfos by job id; null when VOD does not know the job.</summary>
    Task<UrlUploadInfo?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// GetURLUploadInfos by URL: the newest job VOD has for exactly this URL created no earlier than
    /// <paramref name="createdSince"/> (less a margin for the two clocks), or null. The bound keeps a lookup after a
    /// crash from adopting an earlier pull of the same URL.
    /// </summary>
    Task<UrlUploadInfo?> FindJobAsync(string sourceUrl, DateTimeOffset? createdSince, CancellationToken cancellationToken);

    /// <summary>Deletes a video; one that does not exist is no error.</summary>
    Task DeleteVideoAsync(string videoId, CancellationToken cancellationToken);
}
