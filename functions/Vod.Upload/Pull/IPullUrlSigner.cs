namespace Vod.Upload.Pull;

/// <summary>Makes the read-only URL VOD pulls one blob from.</summary>
public interface IPullUrlSigner
{
    /// <summary>
    /// A URL that lets its holder read <paramref name="blobName"/> in <paramref name="container"/> — that blob only, read
    /// only — for <paramref name="lifetime"/>. The URL carries a signature: never log it.
    /// </summary>
    Task<PullUrl> SignAsync(string container, string blobName, TimeSpan lifetime, CancellationToken cancellationToken);
}
