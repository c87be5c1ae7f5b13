using Vod.Alibaba.Errors;

namespace Vod.Alibaba.Tests.Unit;

public sealed class ErrorClassificationTests
{
    [Theory]
    [InlineData(403, "SecurityTokenExpired", false, AlibabaErrorKind.CredentialExpired)]
    [InlineData(400, "InvalidSecurityToken.Expired", false, AlibabaErrorKind.CredentialExpired)]
    [InlineData(403, "InvalidAccessKeyId", true, AlibabaErrorKind.CredentialExpired)]
    [InlineData(403, "InvalidAccessKeyId", false, AlibabaErrorKind.Fatal)]
    [InlineData(403, "InvalidSecurityToken", true, AlibabaErrorKind.CredentialExpired)]
    [InlineData(404, "NoSuchUpload", true, AlibabaErrorKind.UploadGone)]
    [InlineData(404, "InvalidVideo.NotFound", false, AlibabaErrorKind.MediaGone)]
    [InlineData(500, "InternalError", false, AlibabaErrorKind.Retryable)]
    [InlineData(503, "ServiceUnAvailable", false, AlibabaErrorKind.Retryable)]
    [InlineData(502, "HttpError", false, AlibabaErrorKind.Retryable)]
    [InlineData(400, "RequestTimeout", false, AlibabaErrorKind.Retryable)]
    [InlineData(400, "Throttling.User", false, AlibabaErrorKind.Retryable)]
    [InlineData(503, "Throttling", false, AlibabaErrorKind.Retryable)]
    [InlineData(0, "NetworkError", false, AlibabaErrorKind.Retryable)]
    [InlineData(400, "SignatureDoesNotMatch", false, AlibabaErrorKind.Fatal)]
    [InlineData(400, "InvalidPartOrder", false, AlibabaErrorKind.Fatal)]
    [InlineData(403, "Forbidden.RAM", false, AlibabaErrorKind.Fatal)]
    public void Codes_are_classified(int status, string code, bool sts, AlibabaErrorKind expected)
    {
        Assert.Equal(expected, AlibabaErrorClassifier.Classify(status, code, sts));
    }

    [Fact]
    public void Redaction_removes_raw_and_encoded_secrets_and_the_string_to_sign_echo()
    {
        const string token = "CAIS+tok/en=";
        var message = "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3DSTS.x%26SecurityToken%3DCAIS%252Btok%252Fen%253D";

        var redacted = SecretRedactor.Redact(message + " raw " + token + " once " + Signing.AcsPercentEncoding.Encode(token), [token]);

        Assert.DoesNotContain("CAIS", redacted);
        Assert.DoesNotContain("tok", redacted);
        Assert.Contains("string to sign is:" + SecretRedactor.Mask, redacted);
    }
}
