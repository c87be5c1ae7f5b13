namespace Vod.Alibaba.Rpc;

/// <summary>Transport settings shared by the VOD and STS clients.</summary>
public abstract class RpcEndpointOptions
{
    /// <summary>
    /// Overrides the endpoint derived from the region, e.g. <c>http://127.0.0.1:5080</c> for the local emulator.
    /// Default: <see langword="null"/> (derive from the region).
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Signature algorithm. Default <see cref="RpcSignatureVersion.V2"/>.</summary>
    public RpcSignatureVersion SignatureVersion { get; set; } = RpcSignatureVersion.V2;

    /// <summary>
    /// HTTP verb. Default GET (parameters in the query, as pop-core sends them). With POST and V2 the parameters
    /// travel as an <c>application/x-www-form-urlencoded</c> body; with V3 they stay in the query.
    /// </summary>
    public HttpMethod HttpMethod { get; set; } = HttpMethod.Get;

    /// <summary>Time allowed for one request, response included. Default 30 seconds; must be positive.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public virtual void Validate()
    {
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive.");
        }

        if (HttpMethod != HttpMethod.Get && HttpMethod != HttpMethod.Post)
        {
            throw new ArgumentOutOfRangeException(nameof(HttpMethod), HttpMethod, "Only GET and POST are supported.");
        }

        if (Endpoint is { IsAbsoluteUri: false } || Endpoint is not null && Endpoint.Scheme is not ("http" or "https"))
        {
            throw new ArgumentOutOfRangeException(nameof(Endpoint), Endpoint, "Endpoint must be an absolute http or https URL.");
        }
    }
}
