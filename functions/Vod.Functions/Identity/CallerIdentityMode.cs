namespace Vod.Functions.Identity;

/// <summary>Where the browser endpoints learn who calls them (setting <c>Vod__CallerIdentity</c>).</summary>
public enum CallerIdentityMode
{
    /// <summary>
    /// App Service Authentication (Easy Auth) in front of the app: its <c>X-MS-CLIENT-PRINCIPAL*</c> headers. Trusted
    /// only in this mode, because only behind Easy Auth can a client not set them itself. The default.
    /// </summary>
    AppServiceAuthentication,

    /// <summary>An OIDC/JWT bearer token, validated against the configured issuer, audience and signing keys.</summary>
    Jwt,

    /// <summary>No identity: every caller is the same local developer. For local runs only; logged as a warning.</summary>
    None,
}
