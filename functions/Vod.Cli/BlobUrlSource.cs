using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Vod.Upload.Sources;

namespace Vod.Cli;

/// <summary>
/// A blob named by its URL — with a SAS, or signed in with Entra ID (DefaultAzureCredential) when it has none — read by
/// ranges, as the Functions app reads blobs. The SAS stays in this process: the checkpoint and the history name only
/// the account, container and blob.
/// </summary>
internal sealed record BlobUrlSource(BlobServiceClient Service, SourceReference Reference, string Location)
{
    /// <summary>Whether <paramref name="argument"/> is a blob URL rather than a file path.</summary>
    public static bool IsUrl(string argument) =>
        argument.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || argument.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a blob URL; a URL that names no container and blob is a usage error.</summary>
    public static BlobUrlSource Parse(string argument)
    {
        if (!Uri.TryCreate(argument, UriKind.Absolute, out var uri))
        {
            throw new UsageException("The blob URL is not a valid URL.");
        }

        var parts = new BlobUriBuilder(uri);
        if (string.IsNullOrEmpty(parts.BlobContainerName) || string.IsNullOrEmpty(parts.BlobName))
        {
            throw new UsageException("A blob URL names an account, a container and a blob: https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB?SAS.");
        }

        var sas = parts.Sas?.ToString();
        var container = parts.BlobContainerName;
        var blob = parts.BlobName;
        parts.BlobContainerName = string.Empty;
        parts.BlobName = string.Empty;
        parts.Sas = null;
        parts.Query = string.Empty;
        var serviceUri = parts.ToUri();
        var service = string.IsNullOrEmpty(sas)
            ? new BlobServiceClient(serviceUri, new DefaultAzureCredential())
            : new BlobServiceClient(serviceUri, new AzureSasCredential(sas));

        // The account takes part in the location, so two accounts' blobs of the same name never share an upload.
        var location = $"{serviceUri.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{container}/{blob}";
        return new BlobUrlSource(service, SourceReference.FromBlob(container, blob), location);
    }
}
