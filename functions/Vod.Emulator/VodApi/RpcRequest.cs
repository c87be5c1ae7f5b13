using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Vod.Alibaba.Signing;
using Vod.Emulator.State;

namespace Vod.Emulator.VodApi;

/// <summary>A VOD/STS API error in the JSON envelope VOD uses.</summary>
internal sealed class RpcException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>
/// An RPC request with its parameters merged from the query and a form body, authenticated by signature V2
/// (any of the shapes real clients send) or V3.
/// </summary>
internal sealed class RpcRequest
{
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    private RpcRequest(HttpContext http, Dictionary<string, string> parameters, byte[] body)
    {
        Http = http;
        Parameters = parameters;
        Body = body;
    }

    public HttpContext Http { get; }

    /// <summary>All parameters (query and form body), decoded.</summary>
    public Dictionary<string, string> Parameters { get; }

    public byte[] Body { get; }

    /// <summary>The action: the <c>Action</c> parameter, or the <c>x-acs-action</c> header (V3).</summary>
    public string Action => Parameters.GetValueOrDefault("Action") ?? Http.Request.Headers["x-acs-action"].ToString();

    /// <summary>The temporary credential that signed the request, when it was one.</summary>
    public IssuedCredential? Temporary { get; private set; }

    public string? Get(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) =>
        Get(name) is { Length: > 0 } value ? value : throw new RpcException(400, "Missing" + name, $"{name} is mandatory for this action.");

    public long? Long(string name)
    {
        var text = Get(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RpcException(400, "InvalidParameter", $"The parameter {name} is not a number.");
    }

    /// <summary>Whether a request to the root path is an RPC call (has an action), rather than an OSS one.</summary>
    public static bool IsRpc(HttpContext http)
    {
        if (http.Request.Path != "/" && http.Request.Path != string.Empty)
        {
            return false;
        }

        return http.Request.Query.ContainsKey("Action") || http.Request.Headers.ContainsKey("x-acs-action")
            || http.Request.Method == "POST" && http.Request.HasFormContentType;
    }

    public static async Task<RpcRequest> ReadAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            Merge(parameters, raw[(q + 1)..]);
        }

        if (http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            Merge(parameters, Encoding.UTF8.GetString(body));
        }

        return new RpcRequest(http, parameters, body);
    }

    private static void Merge(Dictionary<string, string> parameters, string encoded)
    {
        foreach (var pair in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            parameters[name] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
        }
    }

    /// <summary>Verifies the signature, timestamp, nonce and STS token; throws <see cref="RpcException"/> as the gateway would.</summary>
    public void Authenticate(CredentialStore credentials, TimeProvider time)
    {
        var authorization = Http.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith(AcsSignatureV3.Algorithm + " ", StringComparison.Ordinal))
        {
            AuthenticateV3(authorization, credentials, time);
        }
        else
        {
            AuthenticateV2(credentials, time);
        }
    }

    private void AuthenticateV2(CredentialStore credentials, TimeProvider time)
    {
        var accessKeyId = Get("AccessKeyId");
        var signature = Get("Signature");
        var nonce = Get("SignatureNonce");
        if (string.IsNullOrEmpty(accessKeyId) || string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(nonce))
        {
            throw new RpcException(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.");
        }

        if (!string.Equals(Get("SignatureMethod"), "HMAC-SHA1", StringComparison.OrdinalIgnoreCase) || Get("SignatureVersion") != "1.0")
        {
            throw new RpcException(400, "IncompleteSignature", "SignatureMethod must be HMAC-SHA1 and SignatureVersion 1.0.");
        }

        // The browser upload SDK sends no Timestamp at all; VOD's tolerance of that is unconfirmed, so it is accepted.
        if (Get("Timestamp") is { } timestamp)
        {
            CheckTime(timestamp, time, "InvalidTimeStamp");
        }

        var key = CheckKey(accessKeyId, Get("SecurityToken"), credentials);
        var stringToSign = RpcSignatureV2.StringToSign(Http.Request.Method, Parameters);
        var expected = RpcSignatureV2.Sign(stringToSign, key.Secret);
        if (!FixedTimeEquals(expected, signature))
        {
            throw new RpcException(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign);
        }

        if (!credentials.TryUseNonce(nonce))
        {
            throw new RpcException(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        }
    }

    private void AuthenticateV3(string authorization, CredentialStore credentials, TimeProvider time)
    {
        var fields = authorization[(AcsSignatureV3.Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var accessKeyId) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
        {
            throw new RpcException(400, "IncompleteSignature", "The Authorization header is malformed.");
        }

        var headers = Http.Request.Headers;
        var bodyHash = AcsSignatureV3.HexSha256(Body);
        if (!string.Equals(headers["x-acs-content-sha256"].ToString(), bodyHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(400, "InvalidParameter", "x-acs-content-sha256 does not match the body.");
        }

        CheckTime(headers["x-acs-date"].ToString(), time, "InvalidTimeStamp");
        var key = CheckKey(accessKeyId, headers.TryGetValue("x-acs-security-token", out var token) ? token.ToString() : null, credentials);

        // Verify over exactly the headers the client says it signed.
        var signed = signedHeaders.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(name => new KeyValuePair<string, string>(name, name == "host" ? Http.Request.Host.Value ?? string.Empty : headers[name].ToString()))
            .ToList();
        var raw = Http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (q >= 0)
        {
            Merge(query, raw[(q + 1)..]);
        }

        var (canonical, _) = AcsSignatureV3.CanonicalRequest(Http.Request.Method, "/", query, signed, bodyHash);
        var expected = AcsSignatureV3.Sign(AcsSignatureV3.StringToSign(canonical), key.Secret);
        if (!FixedTimeEquals(expected, signature))
        {
            throw new RpcException(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:" + AcsSignatureV3.StringToSign(canonical));
        }

        if (!credentials.TryUseNonce(headers["x-acs-signature-nonce"].ToString()))
        {
            throw new RpcException(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        }
    }

    private KnownKey CheckKey(string accessKeyId, string? securityToken, CredentialStore credentials)
    {
        var key = credentials.Find(accessKeyId) ?? throw new RpcException(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
        if (key.Temporary is { } temporary)
        {
            if (string.IsNullOrEmpty(securityToken))
            {
                throw new RpcException(400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.");
            }

            if (!string.Equals(securityToken, temporary.SecurityToken, StringComparison.Ordinal))
            {
                throw new RpcException(400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey.");
            }

            if (credentials.IsExpired(temporary))
            {
                throw new RpcException(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.");
            }

            if (!temporary.MayCallVod || temporary.AllowedActions is { } allowed && !allowed.Contains("vod:" + Action))
            {
                throw new RpcException(403, "Forbidden.RAM", "User not authorized to operate on the specified resource, or this API doesn't support RAM.");
            }

            Temporary = temporary;
        }

        return key;
    }

    private static void CheckTime(string text, TimeProvider time, string codePrefix)
    {
        if (!DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            throw new RpcException(400, codePrefix + ".Format", "Specified time stamp or date value is not well formatted.");
        }

        if ((time.GetUtcNow() - at).Duration() > MaxSkew)
        {
            throw new RpcException(400, codePrefix + ".Expired", "Specified time stamp or date value is expired.");
        }
    }

    private static bool FixedTimeEquals(string expected, string provided) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(provided));
}
