using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace Vod.Upload.Pull;

/// <summary>
/// Production signer: a user delegation SAS, signed with a key the app's managed identity obtains
/// (GetUserDelegationKey; the identity needs Storage Blob Delegator on the account) — never an account key. Read
/// permission on one blob, HTTPS only. The delegation key is reused while it outlives the SAS asked for.
/// </summary>
public sealed class UserDelegationUrlSigner : IPullUrlSigner
{
    /// <summary>Longest lifetime Azure allows a user delegation SAS (its key lives at most 7 days).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    // Clock skew allowance: the SAS is valid from a little before now.
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private readonly Func<DateTimeOffset, DateTimeOffset, CancellationToken, Task<UserDelegationKey>> _fetchKey;
    private readonly Uri _serviceUri;
    private readonly string _accountName;
    private readonly TimeProvider _time;
    private UserDelegationKey? _key;

    /// <summary>Creates the signer over a service client authenticated with a token credential (the managed identity).</summary>
    public UserDelegationUrlSigner(BlobServiceClient service, TimeProvider? timeProvider = null)
        : this(async (from, until, ct) => (await service.GetUserDelegationKeyAsync(from, until, ct).ConfigureAwait(false)).Value,
            service?.Uri ?? throw new ArgumentNullException(nameof(service)), service.AccountName, timeProvider)
    {
    }

    /// <summary>Creates the signer over a key source (tests: Azurite has no user delegation keys without OAuth over HTTPS).</summary>
    internal UserDelegationUrlSigner(Func<DateTimeOffset, DateTimeOffset, CancellationToken, Task<UserDelegationKey>> fetchKey, Uri serviceUri, string accountName, TimeProvider? timeProvider = null)
    {
        _fetchKey = fetchKey;
        _serviceUri = serviceUri;
        _accountName = accountName;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async Task<PullUrl> SignAsync(string container, string blobName, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime - Skew)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A user delegation SAS lives more than zero and less than 7 days.");
        }

        var now = _time.GetUtcNow();
        var expires = now + lifetime;
        var key = await KeyAsync(now, expires, cancellationToken).ConfigureAwait(false);
        var sas = new BlobSasBuilder
        {
            BlobContainerName = container,
            BlobName = blobName,
            Resource = "b",
            StartsOn = now - Skew,
            ExpiresOn = expires,
            Protocol = SasProtocol.Https,
        };
        sas.SetPermissions(BlobSasPermissions.Read);
        var blob = new BlobUriBuilder(_serviceUri)
        {
            BlobContainerName = container,
            BlobName = blobName,
            Sas = sas.ToSasQueryParameters(key, _accountName),
        };
        return new PullUrl(blob.ToUri(), expires);
    }

    // Two signers racing for a key both fetch one; either is good.
    private async Task<UserDelegationKey> KeyAsync(DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var key = Volatile.Read(ref _key);
        if (key is null || key.SignedExpiresOn < until || key.SignedStartsOn > now - Skew)
        {
            // One key for a day's worth of URLs (or this one's lifetime, if longer).
            var keyExpiry = until > now + TimeSpan.FromDays(1) ? until : now + TimeSpan.FromDays(1);
            key = await _fetchKey(now - Skew, keyExpiry, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _key, key);
        }

        return key;
    }
}
