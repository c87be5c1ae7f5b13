using Vod.Upload.Pull;

namespace Vod.Upload.Tests;

public sealed class PullUrlsTests
{
    [Fact]
    public void A_fresh_sas_for_the_same_blob_is_the_same_source_and_other_query_parameters_are_not()
    {
        var first = new Uri("https://acct.blob.core.windows.net/media/a.mp4?sv=2025-01-05&se=2026-12-08T00%3A00%3A00Z&sr=b&sp=r&sig=AAAA");
        var second = new Uri("https://acct.blob.core.windows.net/media/a.mp4?sv=2025-01-05&se=2026-12-09T00%3A00%3A00Z&sr=b&sp=r&sig=BBBB");
        var one = new Uri("https://cdn.example.com/get.mp4?id=1&Expires=1&Signature=x&OSSAccessKeyId=k");
        var two = new Uri("https://cdn.example.com/get.mp4?id=2&Expires=1&Signature=x&OSSAccessKeyId=k");

        Assert.Equal(PullCheckpoint.KeyForUrl(first), PullCheckpoint.KeyForUrl(second));
        Assert.Equal("https://acct.blob.core.windows.net/media/a.mp4", PullUrls.Identity(first));
        Assert.NotEqual(PullCheckpoint.KeyForUrl(one), PullCheckpoint.KeyForUrl(two));
        Assert.Equal("https://cdn.example.com/get.mp4?id=1", PullUrls.Identity(one));
    }

    [Theory]
    [InlineData("VOD could not fetch https://acct.blob.core.windows.net/m/a.mp4?sv=1&sig=c2VjcmV0 (403)")]
    [InlineData("UploadURLs=https%3A%2F%2Facct.blob.core.windows.net%2Fm%2Fa.mp4%3Fsv%3D1%26sig%3Dc2VjcmV0 is invalid")]
    [InlineData("UploadURLs=https%253A%252F%252Facct%252Fa.mp4%253Fsig%253Dc2VjcmV0")]
    public void No_signature_survives_redaction_plain_or_percent_encoded(string text)
    {
        var redacted = PullUrls.RedactText(text);

        Assert.DoesNotContain("c2VjcmV0", redacted, StringComparison.Ordinal);
        Assert.Contains("acct", redacted, StringComparison.Ordinal);
    }
}
