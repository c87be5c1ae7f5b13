using Vod.Alibaba.Credentials;
using Vod.Upload.Credentials;

namespace Vod.Upload.Steps;

/// <summary>Runs OSS calls with a media's credential, renewing it when OSS says it expired.</summary>
internal static class CredentialedCall
{
    private const int MaxRenewals = 3;

    /// <summary>
    /// Runs <paramref name="call"/>; on <see cref="UploadErrorKind.CredentialExpired"/> renews the credential (once per
    /// expiry, shared by all parts) and calls again.
    /// </summary>
    public static async Task<T> RunAsync<T>(UploadCredentialProvider credentials, Func<AlibabaCredential, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var renewals = 0; ; renewals++)
        {
            var credential = await credentials.GetAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await call(credential).ConfigureAwait(false);
            }
            catch (UploadException ex) when (ex.Kind == UploadErrorKind.CredentialExpired && renewals < MaxRenewals)
            {
                await credentials.RenewAfterExpiryAsync(credential, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
