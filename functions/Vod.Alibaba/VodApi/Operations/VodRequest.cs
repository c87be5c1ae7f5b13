using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>A VOD OpenAPI request: its action, client-side validation, and its parameters.</summary>
public abstract class VodRequest
{
    /// <summary>The <c>Action</c> parameter, e.g. <c>CreateUploadVideo</c>.</summary>
    public abstract string Action { get; }

    /// <summary>
    /// Checks every field against VOD's documented rules, so bad input fails here with a clear message instead of at
    /// the service.
    /// </summary>
    /// <exception cref="Errors.AlibabaRequestValidationException">A field breaks a rule.</exception>
    public abstract void Validate();

    /// <summary>The operation parameters (common parameters are added by the client).</summary>
    internal abstract RpcParameters ToParameters();
}
