using Microsoft.AspNetCore.Http;

namespace Vod.Functions.Identity;

/// <summary>
/// The caller App Service Authentication put in front of the request: <c>X-MS-CLIENT-PRINCIPAL-ID</c> (with
/// <c>X-MS-CLIENT-PRINCIPAL-IDP</c> and <c>-NAME</c>). Easy Auth removes these headers from what clients send and sets
/// them itself, so they can be trusted only when the app is deployed behind it — which is what choosing this mode says.
/// </summary>
public sealed class AppServiceAuthenticationIdentity : ICallerIdentity
{
    /// <inheritdoc/>
    public Task<Caller?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.Headers["X-MS-CLIENT-PRINCIPAL-ID"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(id))
        {
            return Task.FromResult<Caller?>(null);
        }

        // Ids are unique per identity provider, not across them.
        var provider = request.Headers["X-MS-CLIENT-PRINCIPAL-IDP"].FirstOrDefault();
        var caller = new Caller(string.IsNullOrWhiteSpace(provider) ? id.Trim() : $"{provider.Trim()}/{id.Trim()}", request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"].FirstOrDefault());
        return Task.FromResult<Caller?>(caller);
    }
}
