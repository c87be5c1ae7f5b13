using Azure.Identity;
using Vod.Functions.Hosting;
using Xunit;

namespace Vod.Functions.Tests;

public sealed class AzureMonitorAuthenticationTests
{
    [Theory]
    [InlineData("Authorization=AAD")]
    [InlineData(" authorization = aad ; ")]
    [InlineData("Authorization=AAD;ClientId=8f1c0a4e-6f7e-4b8e-9d2a-1b2c3d4e5f60")]
    public void Entra_authentication_gives_the_exporter_a_managed_identity(string authenticationString) =>
        Assert.IsType<ManagedIdentityCredential>(AzureMonitorAuthentication.CredentialFor(authenticationString));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Authorization=Key")]
    [InlineData("ClientId=8f1c0a4e-6f7e-4b8e-9d2a-1b2c3d4e5f60")]
    public void Without_Entra_authentication_the_exporter_uses_the_connection_string_alone(string? authenticationString) =>
        Assert.Null(AzureMonitorAuthentication.CredentialFor(authenticationString));
}
