using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Vod.Functions.Identity;

/// <summary>
/// The caller an OIDC/JWT bearer token names: <c>Authorization: Bearer &lt;token&gt;</c>, validated by
/// Microsoft.IdentityModel against the configured issuer and audience, with its lifetime and signature checked against
/// keys from the issuer's OpenID metadata (refreshed as the library decides) or a configured JSON Web Key Set.
/// The caller is the token's <c>sub</c>.
/// </summary>
public sealed class JwtBearerIdentity : ICallerIdentity
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _metadata;

    /// <summary>Validates tokens of <paramref name="issuer"/> for <paramref name="audience"/>.</summary>
    /// <param name="issuer">The <c>iss</c> tokens must carry.</param>
    /// <param name="audience">The <c>aud</c> tokens must carry.</param>
    /// <param name="metadataUrl">The issuer's OpenID configuration document (…/.well-known/openid-configuration), or null.</param>
    /// <param name="signingKeys">A JSON Web Key Set (JSON), used when there is no metadata URL.</param>
    public JwtBearerIdentity(string issuer, string audience, Uri? metadataUrl, string? signingKeys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        if (metadataUrl is not null)
        {
            _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(metadataUrl.ToString(), new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = metadataUrl.Scheme == Uri.UriSchemeHttps });
        }
        else if (!string.IsNullOrWhiteSpace(signingKeys))
        {
            _parameters.IssuerSigningKeys = new JsonWebKeySet(signingKeys).GetSigningKeys();
        }
        else
        {
            throw new ArgumentException("JWT callers need a metadata URL or signing keys.", nameof(signingKeys));
        }
    }

    /// <inheritdoc/>
    public async Task<Caller?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parameters = _parameters;
        if (_metadata is not null)
        {
            var configuration = await _metadata.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
            parameters = _parameters.Clone();
            parameters.IssuerSigningKeys = configuration.SigningKeys;
        }

        var result = await _handler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), parameters).ConfigureAwait(false);
        if (!result.IsValid || result.ClaimsIdentity.FindFirst("sub")?.Value is not { Length: > 0 } subject)
        {
            return null;
        }

        return new Caller(subject, result.ClaimsIdentity.FindFirst("name")?.Value ?? result.ClaimsIdentity.FindFirst(ClaimTypes.Name)?.Value);
    }
}
