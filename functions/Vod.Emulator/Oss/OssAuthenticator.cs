using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vod.Alibaba.Signing;
using Vod.Emulator.State;

namespace Vod.Emulator.Oss;

/// <summary>Why an OSS request was refused.</summary>
internal sealed record OssAuthFailure(int Status, string Code, string Message, IReadOnlyDictionary<string, string>? Extra = null);

/// <summary>
/// Checks OSS V1 and V4 signatures and STS tokens the way OSS does: unknown key, bad or expired token, wrong object,
/// clock skew, signature mismatch.
/// </summary>
internal sealed class OssAuthenticator(CredentialStore credentials, TimeProvider time)
{
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    public OssAuthFailure? Authenticate(OssRequestContext request)
    {
        var authorization = request.Header("Authorization");
        if (string.IsNullOrEmpty(authorization))
        {
            return new OssAuthFailure(403, "AccessDenied", "You have no right to access this object because of bucket acl.");
        }

        return authorization.StartsWith("OSS4-HMAC-SHA256 ", StringComparison.Ordinal) ? VerifyV4(request, authorization)
            : authorization.StartsWith("OSS ", StringComparison.Ordinal) ? VerifyV1(request, authorization)
            : new OssAuthFailure(400, "InvalidArgument", "Authorization header is invalid.");
    }

    private OssAuthFailure? VerifyV1(OssRequestContext request, string authorization)
    {
        var credential = authorization[4..];
        var colon = credential.LastIndexOf(':');
        if (colon <= 0)
        {
            return new OssAuthFailure(400, "InvalidArgument", "Authorization header is invalid.");
        }

        var accessKeyId = credential[..colon];
        var provided = credential[(colon + 1)..];
        var dateText = request.Header("x-oss-date") ?? request.Header("Date");
        if (!DateTimeOffset.TryParseExact(dateText, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return new OssAuthFailure(403, "AccessDenied", "OSS authentication requires a valid Date.");
        }

        if (CheckKey(request, accessKeyId, date) is { } failure)
        {
            return failure;
        }

        var secret = credentials.Find(accessKeyId)!.Secret;
        var resource = OssSignatureV1.CanonicalResource(request.Bucket, request.Key, request.Query);
        var stringToSign = OssSignatureV1.StringToSign(request.Method, request.Headers, resource);
        var expected = OssSignatureV1.Sign(stringToSign, secret);
        if (!FixedTimeEquals(expected, provided))
        {
            return SignatureMismatch(accessKeyId, stringToSign, provided);
        }

        return CheckScope(request, accessKeyId);
    }

    private OssAuthFailure? VerifyV4(OssRequestContext request, string authorization)
    {
        var fields = authorization["OSS4-HMAC-SHA256 ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("Signature", out var provided))
        {
            return new OssAuthFailure(400, "InvalidArgument", "Authorization header is invalid.");
        }

        if (fields.TryGetValue("AdditionalHeaders", out var additionalText) && additionalText.Length == 0)
        {
            return new OssAuthFailure(400, "InvalidArgument", "AdditionalHeaders must not be empty.", new Dictionary<string, string> { ["EC"] = "0002-00000209" });
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[3] != "oss" || scope[4] != "aliyun_v4_request")
        {
            return new OssAuthFailure(400, "InvalidArgument", "Credential scope is invalid.");
        }

        if (request.Header("x-oss-content-sha256") != OssSignatureV4.UnsignedPayload)
        {
            return new OssAuthFailure(400, "InvalidArgument", "x-oss-content-sha256 must be UNSIGNED-PAYLOAD.", new Dictionary<string, string> { ["EC"] = "0002-00000214" });
        }

        var ossDate = request.Header("x-oss-date");
        if (!DateTimeOffset.TryParseExact(ossDate, OssSignatureV4.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return new OssAuthFailure(403, "AccessDenied", "OSS authentication requires a valid x-oss-date.");
        }

        var accessKeyId = scope[0];
        if (CheckKey(request, accessKeyId, date) is { } failure)
        {
            return failure;
        }

        var additional = additionalText is null ? [] : additionalText.Split(';', StringSplitOptions.RemoveEmptyEntries);
        var canonical = OssSignatureV4.CanonicalRequest(request.Method, request.Bucket, request.Key, request.Query, request.Headers, additional);
        var scopeText = OssSignatureV4.Scope(scope[1], scope[2]);
        var stringToSign = OssSignatureV4.StringToSign(ossDate!, scopeText, canonical);
        var expected = OssSignatureV4.Sign(stringToSign, credentials.Find(accessKeyId)!.Secret, scope[1], scope[2]);
        if (!FixedTimeEquals(expected, provided))
        {
            return SignatureMismatch(accessKeyId, stringToSign, provided);
        }

        return CheckScope(request, accessKeyId);
    }

    private OssAuthFailure? CheckKey(OssRequestContext request, string accessKeyId, DateTimeOffset date)
    {
        if ((time.GetUtcNow() - date).Duration() > MaxSkew)
        {
            return new OssAuthFailure(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
        }

        var key = credentials.Find(accessKeyId);
        if (key is null)
        {
            return new OssAuthFailure(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.",
                new Dictionary<string, string> { ["OSSAccessKeyId"] = accessKeyId });
        }

        if (key.Temporary is { } temporary)
        {
            var token = request.Header("x-oss-security-token") ?? request.Get("security-token");
            if (!string.Equals(token, temporary.SecurityToken, StringComparison.Ordinal))
            {
                return new OssAuthFailure(403, "InvalidSecurityToken", "The security token you provided is invalid.", new Dictionary<string, string> { ["EC"] = "0002-00000006" });
            }

            if (credentials.IsExpired(temporary))
            {
                return new OssAuthFailure(403, "SecurityTokenExpired", "The security token you provided has expired.", new Dictionary<string, string> { ["EC"] = "0002-00000007" });
            }
        }

        return null;
    }

    private OssAuthFailure? CheckScope(OssRequestContext request, string accessKeyId)
    {
        var temporary = credentials.Find(accessKeyId)?.Temporary;
        if (temporary is not null && (request.Bucket is null || !temporary.Allows(request.Bucket, request.Key)))
        {
            return new OssAuthFailure(403, "AccessDenied", "You are not authorized to do this action. The credential does not cover this object.");
        }

        return null;
    }

    private static OssAuthFailure SignatureMismatch(string accessKeyId, string stringToSign, string provided) =>
        new(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            new Dictionary<string, string>
            {
                ["StringToSign"] = stringToSign,
                ["StringToSignBytes"] = string.Join(' ', Encoding.UTF8.GetBytes(stringToSign).Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),
                ["SignatureProvided"] = provided,
                ["OSSAccessKeyId"] = accessKeyId,
            });

    private static bool FixedTimeEquals(string expected, string provided) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(provided));
}
