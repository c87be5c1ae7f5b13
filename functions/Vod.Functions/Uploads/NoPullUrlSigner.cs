using Vod.Upload;
using Vod.Upload.Pull;

namespace Vod.Functions.Uploads;

/// <summary>
/// The signer when the app reaches storage with an account key that is not the development one: pulls are refused
/// (auto pushes), because a pull URL is signed only with the managed identity (user delegation), never an account key.
/// </summary>
public sealed class NoPullUrlSigner : IPullUrlSigner
{
    /// <inheritdoc/>
    public Task<PullUrl> SignAsync(string container, string blobName, TimeSpan lifetime, CancellationToken cancellationToken) =>
        throw new UploadException(UploadErrorCodes.PullNotSupported,
            "Pull URLs are signed with the app's managed identity (AzureWebJobsStorage__credential=managedidentity), never an account key.", UploadErrorKind.Fatal);
}
