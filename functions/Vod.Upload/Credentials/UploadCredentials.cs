using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Vod.Alibaba.VodApi;
using Vod.Upload.Ports;

namespace Vod.Upload.Credentials;

/// <summary>
/// The upload credentials of the media this process is working on. A step never needs this cache to be correct — a
/// video's credential comes from RefreshUploadVideo whenever the cache has none (another instance, a restart) — it only
/// spares a VOD call per step. An image's credential cannot be refreshed, so its steps never ask for one here: the
/// image is created and written in the same step.
/// </summary>
internal sealed class UploadCredentials(IVodUploadApi vod, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, UploadCredentialProvider> _providers = new(StringComparer.Ordinal);

    /// <summary>Keeps the credential VOD just issued for video <paramref name="videoId"/> and returns its provider.</summary>
    public UploadCredentialProvider Remember(string videoId, UploadAuth auth, TimeSpan refreshMargin) =>
        _providers[videoId] = NewProvider(videoId, auth, refreshMargin);

    /// <summary>The provider of a video: this process's, or a new one from RefreshUploadVideo.</summary>
    public async Task<UploadCredentialProvider> ForVideoAsync(string videoId, TimeSpan refreshMargin, CancellationToken cancellationToken)
    {
        if (_providers.TryGetValue(videoId, out var provider))
        {
            return provider;
        }

        var grant = await vod.RefreshVideoAsync(videoId, cancellationToken).ConfigureAwait(false);
        return _providers.GetOrAdd(videoId, NewProvider(videoId, grant.Auth, refreshMargin));
    }

    /// <summary>
    /// A provider for an image's one-off credential: when OSS says it expired there is no refreshing it, and the step
    /// fails with <see cref="UploadErrorKind.CredentialExpired"/> so the workflow creates the image again.
    /// </summary>
    public UploadCredentialProvider ForImage(string imageId, UploadAuth auth) => new(auth, _ => throw new UploadException(
        UploadErrorCodes.CredentialExpired, $"The upload credential of image {imageId} expired; images cannot be refreshed, so it is created again.", UploadErrorKind.CredentialExpired),
        time, TimeSpan.Zero);

    private UploadCredentialProvider NewProvider(string videoId, UploadAuth auth, TimeSpan refreshMargin)
    {
        var provider = new UploadCredentialProvider(auth, async ct => (await vod.RefreshVideoAsync(videoId, ct).ConfigureAwait(false)).Auth, time, refreshMargin);
        provider.Refreshed += afterExpiry =>
        {
            Log.CredentialsRefreshed(logger, videoId, afterExpiry);
            Telemetry.UploadTelemetry.CredentialRefreshes.Add(1, new KeyValuePair<string, object?>("vod.after_expiry", afterExpiry));
        };
        return provider;
    }

    /// <summary>Drops the provider of a finished or cancelled media.</summary>
    public void Forget(string mediaId) => _providers.TryRemove(mediaId, out _);
}
