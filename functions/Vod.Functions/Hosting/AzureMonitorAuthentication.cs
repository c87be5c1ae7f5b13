using Azure.Core;
using Azure.Identity;

namespace Vod.Functions.Hosting;

/// <summary>
/// The credential the worker's Azure Monitor exporter signs in with, read from the same
/// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> the host honours (<c>Authorization=AAD</c>, optionally
/// <c>;ClientId=…</c> for a user-assigned identity). The infra turns local authentication off on the Application
/// Insights resource, so without it the host's telemetry would arrive and the worker's would be refused.
/// </summary>
public static class AzureMonitorAuthentication
{
    /// <summary>The managed identity credential the string asks for, or null when it asks for none (instrumentation key only).</summary>
    public static TokenCredential? CredentialFor(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString))
        {
            return null;
        }

        string? authorization = null;
        string? clientId = null;
        foreach (var pair in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var (name, value) = (pair[..equals].Trim(), pair[(equals + 1)..].Trim());
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
            else if (name.Equals("ClientId", StringComparison.OrdinalIgnoreCase))
            {
                clientId = value;
            }
        }

        if (!string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
