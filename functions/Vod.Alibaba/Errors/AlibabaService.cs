namespace Vod.Alibaba.Errors;

/// <summary>The Alibaba Cloud service a request went to.</summary>
public enum AlibabaService
{
    /// <summary>ApsaraVideo VOD OpenAPI (2017-03-21).</summary>
    Vod,

    /// <summary>Security Token Service (2015-04-01).</summary>
    Sts,

    /// <summary>Object Storage Service REST API.</summary>
    Oss,
}
