using System.Globalization;
using System.Text;
using System.Text.Json;
using Vod.Alibaba.Credentials;

namespace Vod.Alibaba.VodApi;

/// <summary>
/// The decoded <c>UploadAuth</c>: temporary STS credentials scoped to one upload address.
/// </summary>
/// <remarks>Not a record, so that <see cref="ToString"/> cannot print the secret or the token.</remarks>
public sealed class UploadAuth
{
    /// <summary>The lifetime VOD documents for an upload credential when it says nothing else: 3000 s.</summary>
    public static readonly TimeSpan DocumentedLifetime = TimeSpan.FromSeconds(3000);

    /// <summary>Creates an UploadAuth.</summary>
    public UploadAuth(string accessKeyId, string accessKeySecret, string securityToken, string? expiration, DateTimeOffset? expireUtcTime, string? region)
    {
        Credential = new AlibabaCredential(accessKeyId, accessKeySecret, securityToken);
        Expiration = expiration;
        ExpireUtcTime = expireUtcTime;
        Region = region;
    }

    /// <summary>The STS credential to sign OSS requests with.</summary>
    public AlibabaCredential Credential { get; }

    /// <summary>The lifetime in seconds as VOD sends it (a string number, e.g. <c>"3000"</c>), or null.</summary>
    public string? Expiration { get; }

    /// <summary>The absolute expiry VOD sends in <c>ExpireUTCTime</c>, when present.</summary>
    public DateTimeOffset? ExpireUtcTime { get; }

    /// <summary>The OSS region of the credential (e.g. <c>cn-shanghai</c>), when present.</summary>
    public string? Region { get; }

    /// <summary>
    /// When the credential stops working: <see cref="ExpireUtcTime"/> when present, else
    /// <paramref name="issuedAt"/> + <see cref="Expiration"/> seconds, else + the documented 3000 s.
    /// </summary>
    public DateTimeOffset ExpiresAt(DateTimeOffset issuedAt)
    {
        if (ExpireUtcTime is { } absolute)
        {
            return absolute;
        }

        return long.TryParse(Expiration, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? issuedAt.AddSeconds(seconds)
            : issuedAt + DocumentedLifetime;
    }

    /// <summary>Decodes a Base64 <c>UploadAuth</c>.</summary>
    /// <exception cref="FormatException">Not Base64 JSON, or AccessKeyId, AccessKeySecret or SecurityToken is missing.</exception>
    public static UploadAuth Decode(string base64)
    {
        using var document = Base64Json.Parse(base64, "UploadAuth");
        var root = document.RootElement;
        DateTimeOffset? expireUtc = null;
        if (Base64Json.OptionalString(root, "ExpireUTCTime") is { Length: > 0 } text)
        {
            expireUtc = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : throw new FormatException("UploadAuth.ExpireUTCTime is not a time.");
        }

        return new UploadAuth(
            Base64Json.RequiredString(root, "AccessKeyId", "UploadAuth"),
            Base64Json.RequiredString(root, "AccessKeySecret", "UploadAuth"),
            Base64Json.RequiredString(root, "SecurityToken", "UploadAuth"),
            Base64Json.OptionalString(root, "Expiration"),
            expireUtc,
            Base64Json.OptionalString(root, "Region"));
    }

    /// <summary>Encodes this credential the way VOD sends it (for the emulator and tests).</summary>
    public string Encode()
    {
        var json = new Dictionary<string, string>
        {
            ["SecurityToken"] = Credential.SecurityToken!,
            ["AccessKeyId"] = Credential.AccessKeyId,
            ["AccessKeySecret"] = Credential.AccessKeySecret,
        };
        if (ExpireUtcTime is { } expire)
        {
            json["ExpireUTCTime"] = expire.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        if (Expiration is not null)
        {
            json["Expiration"] = Expiration;
        }

        if (Region is not null)
        {
            json["Region"] = Region;
        }

        return Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(json)));
    }

    /// <inheritdoc/>
    public override string ToString() => $"UploadAuth({Credential.AccessKeyId}, expires {ExpireUtcTime?.ToString("u", CultureInfo.InvariantCulture) ?? Expiration + " s"})";
}
