using Vod.Alibaba.VodApi;
using Vod.Upload.Credentials;

namespace Vod.Upload.Tests;

public sealed class CredentialTests
{
    [Fact]
    public async Task Parallel_expiries_cause_one_refresh_and_everyone_gets_the_new_credential()
    {
        var issued = 0;
        var now = new MutableTime(DateTimeOffset.UtcNow);
        UploadAuth Issue() => new("STS.k" + Interlocked.Increment(ref issued), "s", "t", "3000", now.GetUtcNow().AddSeconds(3000), "cn-shanghai");
        var provider = new UploadCredentialProvider(Issue(), async token =>
        {
            await Task.Delay(50, token);
            return Issue();
        }, now, TimeSpan.FromMinutes(5));
        var refreshedAfterExpiry = 0;
        provider.Refreshed += afterExpiry => { if (afterExpiry) Interlocked.Increment(ref refreshedAfterExpiry); };
        var expired = await provider.GetAsync(CancellationToken.None);

        var renewed = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => provider.RenewAfterExpiryAsync(expired, CancellationToken.None)));

        Assert.Equal(1, provider.Refreshes);
        Assert.Equal(1, refreshedAfterExpiry);
        Assert.All(renewed, c => Assert.Equal("STS.k2", c.AccessKeyId));
    }

    [Fact]
    public async Task Credentials_are_refreshed_before_they_expire_but_not_on_every_call()
    {
        var now = new MutableTime(DateTimeOffset.UtcNow);
        var issued = 0;
        UploadAuth Issue() => new("STS.k" + Interlocked.Increment(ref issued), "s", "t", "3000", now.GetUtcNow().AddSeconds(3000), null);
        var provider = new UploadCredentialProvider(Issue(), _ => Task.FromResult(Issue()), now, TimeSpan.FromMinutes(5));

        await provider.GetAsync(CancellationToken.None);
        now.Advance(TimeSpan.FromSeconds(2600));
        await provider.GetAsync(CancellationToken.None);
        var proactive = provider.Refreshes;
        now.Advance(TimeSpan.FromSeconds(2700));
        await provider.GetAsync(CancellationToken.None);

        Assert.Equal(0, proactive);
        Assert.Equal(1, provider.Refreshes);
        Assert.Equal("STS.k2", (await provider.GetAsync(CancellationToken.None)).AccessKeyId);
    }

    private sealed class MutableTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
