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
/// keys from the issuer's OpenID metadata or a configured JSON Web Key Set. Only access tokens (<c>typ</c> JWT or
/// at+jwt) signed with an asymmetric algorithm are accepted. The caller is the token's <c>sub</c>.
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
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.RsaSsaPssSha256,
                SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512],
            ValidTypes = ["JWT", "at+jwt"],
        };
        if (metadataUrl is not null)
        {
            // Keys come over https; plain http only from this machine (a local issuer in development).
            if (metadataUrl.Scheme != Uri.UriSchemeHttps && !metadataUrl.IsLoopback)
            {
                throw new ArgumentException("The JWT metadata URL must be https (http only on loopback).", nameof(metadataUrl));
            }

            _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(metadataUrl.ToString(), new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = metadataUrl.Scheme == Uri.UriSchemeHttps });

            // The library fetches the keys, caches them, and fetches again when a token names a key it does not know
            // (the issuer rotated its keys).
            _parameters.ConfigurationManager = _metadata;
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

        var result = await _handler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), _parameters).ConfigureAwait(false);
        if (!result.IsValid && _metadata is not null && result.Exception is InvalidOperationException or IOException or HttpRequestException)
        {
            // The issuer's metadata could not be read: nobody can be authenticated now, which is not the caller's fault.
            throw new CallerIdentityUnavailableException("The identity provider's signing keys could not be read.", result.Exception);
        }

        if (!result.IsValid || result.ClaimsIdentity.FindFirst("sub")?.Value is not { Length: > 0 } subject)
        {
            return null;
        }

        return new Caller(subject, result.ClaimsIdentity.FindFirst("name")?.Value ?? result.ClaimsIdentity.FindFirst(ClaimTypes.Name)?.Value);
    }
}
