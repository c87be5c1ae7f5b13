namespace Vod.Alibaba.Rpc;

/// <summary>How RPC requests to VOD and STS are signed.</summary>
public enum RpcSignatureVersion
{
    /// <summary>Signature version 1.0, HMAC-SHA1 over the sorted query (what pop-core and the .NET SDK send).</summary>
    V2 = 0,

    /// <summary><c>ACS3-HMAC-SHA256</c> in the <c>Authorization</c> header.</summary>
    V3,
}
