using Microsoft.AspNetCore.Http;

namespace Vod.Functions.Identity;

/// <summary>
/// The caller App Service Authentication put in front of the request: <c>X-MS-CLIENT-PRINCIPAL-ID</c> (with
/// <c>X-MS-CLIENT-PRINCIPAL-IDP</c> and <c>-NAME</c>). Easy Auth removes these headers from what clients send and sets
/// them itself, so they are trusted only when the platform says it is on (<c>WEBSITE_AUTH_ENABLED=True</c>, which App
/// Service sets when Authentication is enabled); without it anyone with the function key could name any user, so every
/// request is refused.
/// </summary>
/// <param name="platformAuthenticationEnabled">Whether App Service Authentication runs in front of the app.</param>
public sealed class AppServiceAuthenticationIdentity(bool platformAuthenticationEnabled) : ICallerIdentity
{
    /// <summary>The environment variable App Service sets to <c>True</c> when Authentication is enabled.</summary>
    public const string EnabledVariable = "WEBSITE_AUTH_ENABLED";

    /// <summary>Whether <see cref="EnabledVariable"/> says Authentication is on.</summary>
    public static bool IsEnabled(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return string.Equals(environment(EnabledVariable), "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    public Task<Caller?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!platformAuthenticationEnabled)
        {
            return Task.FromResult<Caller?>(null);
        }

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
