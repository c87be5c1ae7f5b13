using Microsoft.AspNetCore.Http;

namespace Vod.Functions.Identity;

/// <summary>Authenticates the caller of a browser endpoint. A function key says which app calls, not which user.</summary>
public interface ICallerIdentity
{
    /// <summary>The caller, or null when the request carries no valid identity.</summary>
    Task<Caller?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken);
}
