using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Vod.Functions.Identity;
using Vod.Testing;

namespace Vod.Functions.Tests;

/// <summary>
/// Who calls the browser endpoints: bearer tokens checked by Microsoft.IdentityModel (issuer, audience, lifetime,
/// signature; keys configured or from the issuer's OpenID metadata), and App Service Authentication's headers.
/// </summary>
public sealed class CallerIdentityTests : IDisposable
{
    private const string Issuer = "https://login.example.net/tenant/";
    private const string Audience = "api://vod-functions";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _otherRsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly RsaSecurityKey _otherKey;

    public CallerIdentityTests()
    {
        _key = new RsaSecurityKey(_rsa) { KeyId = "k1" };
        _otherKey = new RsaSecurityKey(_otherRsa) { KeyId = "k1" };
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _otherRsa.Dispose();
    }

    private static readonly JsonSerializerOptions SkipNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The public half of the signing key, as an issuer publishes it.</summary>
    private string Jwks() =>
        JsonSerializer.Serialize(new { keys = new[] { JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = "k1" }) } }, SkipNulls);

    private static string Token(SecurityKey key, string issuer = Issuer, string audience = Audience, DateTime? expires = null, string? subject = "user-42") =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(subject is null ? [new Claim("name", "Ada")] : [new Claim("sub", subject), new Claim("name", "Ada")]),
            NotBefore = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            IssuedAt = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    private static HttpRequest Request(string? authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context.Request;
    }

    [Fact]
    public async Task A_valid_token_names_its_subject_and_every_other_token_names_nobody()
    {
        var identity = new JwtBearerIdentity(Issuer, Audience, metadataUrl: null, Jwks());
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, Subject = new ClaimsIdentity([new Claim("sub", "user-42")]), Expires = DateTime.UtcNow.AddHours(1),
        });

        var caller = await identity.AuthenticateAsync(Request("Bearer " + Token(_key)), CancellationToken.None);

        Assert.Equal(new Caller("user-42", "Ada"), caller);
        Assert.Null(await identity.AuthenticateAsync(Request(null), CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(Request("Basic dXNlcjpwYXNz"), CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(Request("Bearer " + Token(_key, audience: "api://other")), CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(Request("Bearer " + Token(_key, issuer: "https://evil.example/")), CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(Request("Bearer " + Token(_key, expires: DateTime.UtcNow.AddMinutes(-5))), CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(Request("Bearer " + Token(_otherKey)), CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(Request("Bearer " + Token(_key, subject: null)), CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(Request("Bearer " + unsigned), CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(Request("Bearer not.a.token"), CancellationToken.None));
        var symmetric = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "k1" };
        var hmac = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, Subject = new ClaimsIdentity([new Claim("sub", "user-42")]), Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(symmetric, SecurityAlgorithms.HmacSha256),
        });
        Assert.Null(await identity.AuthenticateAsync(Request("Bearer " + hmac), CancellationToken.None));
        Assert.Throws<ArgumentException>(() => new JwtBearerIdentity(Issuer, Audience, new Uri("http://login.example.net/.well-known/openid-configuration"), signingKeys: null));
    }

    [Fact]
    public async Task Keys_come_from_the_issuers_openid_metadata()
    {
        await using var issuer = await RecordingServer.StartAsync();
        issuer.Respond = request => request.RawTarget switch
        {
            "/.well-known/openid-configuration" => new ScriptedResponse(200, JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = new Uri(issuer.BaseUri, "keys").ToString(),
            })),
            "/keys" => new ScriptedResponse(200, Jwks()),
            _ => new ScriptedResponse(404),
        };
        var identity = new JwtBearerIdentity(Issuer, Audience, new Uri(issuer.BaseUri, ".well-known/openid-configuration"), signingKeys: null);

        var caller = await identity.AuthenticateAsync(Request("Bearer " + Token(_key)), CancellationToken.None);
        var forged = await identity.AuthenticateAsync(Request("Bearer " + Token(_otherKey)), CancellationToken.None);

        Assert.Equal("user-42", caller?.Id);
        Assert.Null(forged);
        Assert.Contains(issuer.Requests, r => r.RawTarget == "/keys");
    }

    [Fact]
    public async Task App_service_authentication_names_the_principal_per_provider_and_only_when_the_platform_runs_it()
    {
        var identity = new AppServiceAuthenticationIdentity(platformAuthenticationEnabled: true);
        var context = new DefaultHttpContext();
        context.Request.Headers["X-MS-CLIENT-PRINCIPAL-ID"] = "00000000-aaaa";
        context.Request.Headers["X-MS-CLIENT-PRINCIPAL-IDP"] = "aad";
        context.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"] = "ada@example.net";

        Assert.Equal(new Caller("aad/00000000-aaaa", "ada@example.net"), await identity.AuthenticateAsync(context.Request, CancellationToken.None));
        Assert.Null(await identity.AuthenticateAsync(new DefaultHttpContext().Request, CancellationToken.None));
        Assert.Null(await new AppServiceAuthenticationIdentity(platformAuthenticationEnabled: false).AuthenticateAsync(context.Request, CancellationToken.None));
        Assert.True(AppServiceAuthenticationIdentity.IsEnabled(name => name == "WEBSITE_AUTH_ENABLED" ? "True" : null));
        Assert.False(AppServiceAuthenticationIdentity.IsEnabled(_ => null));
    }

    [Fact]
    public void Jwt_mode_without_issuer_audience_or_keys_is_refused_at_start_up()
    {
        var options = new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", CallerIdentity = CallerIdentityMode.Jwt };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var valid = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(VodFunctionsOptions.JwtIssuer)));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(VodFunctionsOptions.JwtMetadataUrl)));
    }
}
