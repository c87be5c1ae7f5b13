using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi;

/// <summary>Settings of a <see cref="VodClient"/>.</summary>
public sealed class VodClientOptions : RpcEndpointOptions
{
    /// <summary>The VOD API region. Default <c>cn-shanghai</c>. Ignored for the endpoint when <see cref="RpcEndpointOptions.Endpoint"/> is set.</summary>
    public string Region { get; set; } = VodEndpoints.DefaultRegion;

    /// <summary>The endpoint requests go to: <see cref="RpcEndpointOptions.Endpoint"/> or the region's.</summary>
    public Uri ResolveEndpoint() => Endpoint ?? VodEndpoints.ForRegion(Region);
}
