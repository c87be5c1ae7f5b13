using System.Data.Common;
using Azure.Storage;
using Azure.Storage.Sas;

namespace Vod.Upload.Pull;

/// <summary>
/// Local development only: a service SAS signed with the storage emulator's well-known development key, because Azurite
/// offers user delegation keys only with OAuth over HTTPS. <see cref="TryCreate"/> makes one only for the development
/// connection string (<c>UseDevelopmentStorage=true</c> or account <c>devstoreaccount1</c>); production uses
/// <see cref="UserDelegationUrlSigner"/>. Same shape as production: read on one blob, for the lifetime asked.
/// </summary>
public sealed class DevelopmentUrlSigner : IPullUrlSigner
{
    /// <summary>The emulator's account name.</summary>
    public const string DevelopmentAccount = "devstoreaccount1";

    // Azurite's published development key (documented by Microsoft; not a secret).
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Uri _blobEndpoint;
    private readonly StorageSharedKeyCredential _credential;
    private readonly TimeProvider _time;

    private DevelopmentUrlSigner(Uri blobEndpoint, StorageSharedKeyCredential credential, TimeProvider time)
    {
        _blobEndpoint = blobEndpoint;
        _credential = credential;
        _time = time;
    }

    /// <summary>Whether <paramref name="connectionString"/> names the local storage emulator's development account.</summary>
    public static bool IsDevelopment(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return (parts.TryGetValue("UseDevelopmentStorage", out var dev) && string.Equals(dev?.ToString(), "true", StringComparison.OrdinalIgnoreCase))
            || (parts.TryGetValue("AccountName", out var name) && string.Equals(name?.ToString(), DevelopmentAccount, StringComparison.Ordinal));
    }

    /// <summary>A signer for the development connection string; null for any other (never an account key of a real account).</summary>
    public static DevelopmentUrlSigner? TryCreate(string? connectionString, TimeProvider? timeProvider = null)
    {
        if (!IsDevelopment(connectionString))
        {
            return null;
        }

        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var endpoint = parts.TryGetValue("BlobEndpoint", out var blob) && blob?.ToString() is { Length: > 0 } text
            ? new Uri(text.TrimEnd('/') + "/")
            : new Uri("http://127.0.0.1:10000/devstoreaccount1/");
        var key = parts.TryGetValue("AccountKey", out var accountKey) && accountKey?.ToString() is { Length: > 0 } k ? k : DevelopmentKey;
        return new DevelopmentUrlSigner(endpoint, new StorageSharedKeyCredential(DevelopmentAccount, key), timeProvider ?? TimeProvider.System);
    }

    /// <inheritdoc/>
    public Task<PullUrl> SignAsync(string container, string blobName, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        var sas = new BlobSasBuilder
        {
            BlobContainerName = container,
            BlobName = blobName,
            Resource = "b",
            StartsOn = now - TimeSpan.FromMinutes(5),
            ExpiresOn = now + lifetime,
            Protocol = SasProtocol.HttpsAndHttp,
        };
        sas.SetPermissions(BlobSasPermissions.Read);
        var path = string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
        var url = new UriBuilder(new Uri(_blobEndpoint, Uri.EscapeDataString(container) + "/" + path))
        {
            Query = sas.ToSasQueryParameters(_credential).ToString(),
        };
        return Task.FromResult(new PullUrl(url.Uri, now + lifetime));
    }
}
