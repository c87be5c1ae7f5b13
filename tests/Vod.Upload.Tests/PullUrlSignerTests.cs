using Azure.Storage.Blobs.Models;
using Vod.Testing;
using Vod.Upload.Pull;

namespace Vod.Upload.Tests;

/// <summary>
/// The production signer's SAS, over a key source standing in for GetUserDelegationKey (Azurite serves user delegation
/// keys only with OAuth over HTTPS): read on one blob, HTTPS only, for the lifetime asked, the key fetched once a day.
/// </summary>
public sealed class PullUrlSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_user_delegation_sas_reads_one_blob_over_https_for_its_lifetime_and_reuses_its_key()
    {
        // Arrange
        var fetched = new List<(DateTimeOffset From, DateTimeOffset Until)>();
        var time = new FixedTimeProvider(Now);
        var signer = new UserDelegationUrlSigner((from, until, _) =>
        {
            fetched.Add((from, until));
            return Task.FromResult(BlobsModelFactory.UserDelegationKey("oid-1", "tid-1", from, until, "b", "2024-08-04", Convert.ToBase64String(new byte[32])));
        }, new Uri("https://acct.blob.core.windows.net"), "acct", time);

        // Act
        var first = await signer.SignAsync("vod-incoming", "dir/my clip.mp4", TimeSpan.FromHours(12), CancellationToken.None);
        var second = await signer.SignAsync("vod-incoming", "other.mp4", TimeSpan.FromHours(12), CancellationToken.None);
        var query = System.Web.HttpUtility.ParseQueryString(first.Url.Query);

        // Assert
        Assert.Equal("https://acct.blob.core.windows.net/vod-incoming/dir/my%20clip.mp4", first.Url.GetLeftPart(UriPartial.Path));
        Assert.Equal(("r", "b", "https", "oid-1"), (query["sp"], query["sr"], query["spr"], query["skoid"]));
        Assert.NotNull(query["sig"]);
        Assert.Equal(Now.AddHours(12), first.ExpiresOn);
        Assert.Equal(Now.AddHours(12), PullUploader.SasExpiry(first.Url));
        Assert.Single(fetched);
        Assert.True(fetched[0].Until >= Now.AddDays(1));
        Assert.NotEqual(first.Url.Query, second.Url.Query);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => signer.SignAsync("c", "b.mp4", TimeSpan.FromDays(7), CancellationToken.None));
    }

    [Fact]
    public void Only_the_development_account_gets_a_development_signer()
    {
        Assert.True(DevelopmentUrlSigner.IsDevelopment("UseDevelopmentStorage=true"));
        Assert.True(DevelopmentUrlSigner.IsDevelopment("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=x;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1"));
        Assert.False(DevelopmentUrlSigner.IsDevelopment("DefaultEndpointsProtocol=https;AccountName=vodprod;AccountKey=QUJD;EndpointSuffix=core.windows.net"));
        Assert.False(DevelopmentUrlSigner.IsDevelopment(null));
        Assert.Null(DevelopmentUrlSigner.TryCreate("DefaultEndpointsProtocol=https;AccountName=vodprod;AccountKey=QUJD;EndpointSuffix=core.windows.net"));
    }
}
