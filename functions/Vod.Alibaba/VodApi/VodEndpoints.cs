namespace Vod.Alibaba.VodApi;

/// <summary>Where the VOD OpenAPI of a region lives.</summary>
public static class VodEndpoints
{
    /// <summary>The default API region.</summary>
    public const string DefaultRegion = "cn-shanghai";

    // The generated official SDKs send these regions to the central endpoint.
    private static readonly HashSet<string> CentralRegions = new(StringComparer.OrdinalIgnoreCase)
    {
        "cn-beijing-finance-1", "cn-beijing-finance-pop", "cn-beijing-gov-1", "cn-beijing-nu16-b01", "cn-edge-1",
        "cn-fujian", "cn-haidian-cm12-c01", "cn-hangzhou-bj-b01", "cn-hangzhou-finance", "cn-hangzhou-internal-prod-1",
        "cn-hangzhou-internal-test-1", "cn-hangzhou-internal-test-2", "cn-hangzhou-internal-test-3",
        "cn-hangzhou-test-306", "cn-hongkong-finance-pop", "cn-huhehaote-nebula-1", "cn-qingdao-nebula",
        "cn-shanghai-et15-b01", "cn-shanghai-et2-b01", "cn-shanghai-inner", "cn-shanghai-internal-test-1",
        "cn-shenzhen-inner", "cn-shenzhen-st4-d01", "cn-shenzhen-su18-b01", "cn-wuhan", "cn-yushanfang",
        "cn-zhangbei-na61-b01", "cn-zhangjiakou-na62-a01", "cn-zhengzhou-nebula-1", "eu-west-1-oxs", "rus-west-1-pop",
    };

    /// <summary>
    /// The endpoint for <paramref name="region"/>: <c>https://vod.&lt;region&gt;.aliyuncs.com</c>, with
    /// <c>cn-hangzhou</c> mapped to <c>cn-shanghai</c> (VOD's mainland centre) as the official SDKs do.
    /// </summary>
    /// <exception cref="ArgumentException">The region is empty or not a region id.</exception>
    public static Uri ForRegion(string region)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        if (!region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{region}' is not a region id such as cn-shanghai.", nameof(region));
        }

        if (region.Equals("cn-hangzhou", StringComparison.OrdinalIgnoreCase))
        {
            return new Uri("https://vod.cn-shanghai.aliyuncs.com");
        }

        return CentralRegions.Contains(region) ? new Uri("https://vod.aliyuncs.com") : new Uri($"https://vod.{region}.aliyuncs.com");
    }
}
