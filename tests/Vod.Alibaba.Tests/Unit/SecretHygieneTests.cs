using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Alibaba.Tests.Unit;

/// <summary>No type that carries a secret may print it: not ToString, not an exception message.</summary>
public sealed class SecretHygieneTests
{
    private const string Secret = "hygiene-secret-0001";
    private const string Token = "hygiene-token-0002";

    public static TheoryData<string, object> SecretHolders()
    {
        var auth = new UploadAuth("STS.id", Secret, Token, "3000", null, "cn-shanghai");
        var address = new UploadAddress(new Uri("https://oss-cn-shanghai.aliyuncs.com"), "outin-1", "sv/1/1.mp4");
        return new TheoryData<string, object>
        {
            { "AlibabaCredential", new AlibabaCredential("LTAI", Secret, Token) },
            { "UploadAuth", auth },
            { "UploadVideoResponse", new UploadVideoResponse { VideoId = "v", UploadAuth = auth.Encode(), UploadAddress = address.Encode() } },
            { "CreateUploadImageResponse", new CreateUploadImageResponse { ImageId = "i", UploadAuth = auth.Encode() } },
            { "CreateUploadAttachedMediaResponse", new CreateUploadAttachedMediaResponse { MediaId = "m", UploadAuth = auth.Encode() } },
            { "StsCredentials", new StsCredentials { AccessKeyId = "STS.x", AccessKeySecret = Secret, SecurityToken = Token } },
            { "AssumeRoleResponse", new AssumeRoleResponse { Credentials = new StsCredentials { AccessKeyId = "STS.x", AccessKeySecret = Secret, SecurityToken = Token } } },
        };
    }

    [Theory]
    [MemberData(nameof(SecretHolders))]
    public void To_string_never_prints_a_secret(string type, object holder)
    {
        var text = holder.ToString()!;

        Assert.DoesNotContain(Secret, text);
        Assert.DoesNotContain(Token, text);
        Assert.DoesNotContain("eyJ", text); // no Base64 JSON (an UploadAuth) either
        Assert.False(string.IsNullOrWhiteSpace(text), type);
    }

    [Fact]
    public void Upload_auth_secrets_survive_decoding_but_only_behind_explicit_properties()
    {
        var encoded = new UploadAuth("STS.id", Secret, Token, "3000", null, null).Encode();

        var decoded = UploadAuth.Decode(encoded);

        Assert.Equal(Secret, decoded.Credential.AccessKeySecret);
        Assert.DoesNotContain(Secret, JsonSerializer.Serialize(new { decoded.Credential.AccessKeyId, decoded.Region, decoded.Expiration }));
    }

    [Fact]
    public void Exception_messages_are_redacted_by_construction_of_the_clients_and_say_what_failed()
    {
        var error = new AlibabaCloudException(AlibabaService.Oss, "UploadPart", 403, "SecurityTokenExpired",
            SecretRedactor.Redact($"expired token {Token}", [Secret, Token]), "RID", AlibabaErrorKind.CredentialExpired);

        Assert.Equal("Oss UploadPart failed (403) SecurityTokenExpired: expired token *** (RequestId RID)", error.Message);
    }
}
