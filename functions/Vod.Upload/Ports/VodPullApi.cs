using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Upload.Ports;

/// <summary><see cref="IVodPullApi"/> over the VOD API client (its calls are spanned and retried by the client).</summary>
public sealed class VodPullApi(VodClient vod) : IVodPullApi
{
    /// <inheritdoc/>
    public Task<string> SubmitAsync(UploadMediaByUrlRequest request, CancellationToken cancellationToken) => VodUploadApi.CallAsync(async () =>
    {
        var response = await vod.UploadMediaByUrlAsync(request, cancellationToken).ConfigureAwait(false);
        return response.UploadJobs is [{ JobId: { Length: > 0 } jobId }, ..]
            ? jobId
            : throw new UploadException(UploadErrorCodes.PullUploadFailed, "UploadMediaByURL answered without a job.", UploadErrorKind.Retryable);
    });

    /// <inheritdoc/>
    public Task<UrlUploadInfo?> GetJobAsync(string jobId, CancellationToken cancellationToken) => VodUploadApi.CallAsync(async () =>
    {
        var response = await vod.GetUrlUploadInfosAsync(new GetUrlUploadInfosRequest { JobIds = [jobId] }, cancellationToken).ConfigureAwait(false);
        return response.UrlUploadInfoList.FirstOrDefault(i => i.JobId == jobId);
    });

    /// <inheritdoc/>
    public Task<UrlUploadInfo?> FindJobAsync(string sourceUrl, DateTimeOffset? createdSince, CancellationToken cancellationToken) => VodUploadApi.CallAsync(async () =>
    {
        var response = await vod.GetUrlUploadInfosAsync(new GetUrlUploadInfosRequest { UploadUrls = [sourceUrl] }, cancellationToken).ConfigureAwait(false);
        var earliest = createdSince - ClockMargin;
        return response.UrlUploadInfoList
            .Select(job => (Job: job, Created: CreatedAt(job)))
            .Where(j => earliest is null || j.Created is null || j.Created >= earliest)
            .OrderByDescending(j => j.Created ?? DateTimeOffset.MaxValue)
            .Select(j => j.Job)
            .FirstOrDefault();
    });

    // How far VOD's clock and this machine's may disagree when a job's creation time is compared with a record's.
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(2);

    private static DateTimeOffset? CreatedAt(UrlUploadInfo job) =>
        DateTimeOffset.TryParse(job.CreationTime, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created) ? created : null;

    /// <inheritdoc/>
    public Task DeleteVideoAsync(string videoId, CancellationToken cancellationToken) => VodUploadApi.CallAsync(async () =>
    {
        await vod.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [videoId] }, cancellationToken).ConfigureAwait(false);
        return true;
    });
}
