using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi;
using Vod.Functions;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;
using Vod.Upload.Sources;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddOptions<VodFunctionsOptions>()
    .Bind(builder.Configuration.GetSection(VodFunctionsOptions.Section))
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddHttpClient(nameof(VodClient));
builder.Services.AddAzureClientsCore();
builder.Services.AddSingleton(services => BlobServiceFrom(builder.Configuration, services.GetRequiredService<AzureComponentFactory>()));
builder.Services.AddSingleton(services =>
{
    var options = services.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
    var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(VodClient));
    return new VodClient(http, new AlibabaCredential(options.AccessKeyId, options.AccessKeySecret),
        new VodClientOptions { Region = options.Region, Endpoint = options.Endpoint });
});
builder.Services.AddSingleton(services =>
{
    var options = services.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
    var blobs = services.GetRequiredService<BlobServiceClient>();
    var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(OssClient));
    return new UploadEngine(
        services.GetRequiredService<VodClient>(),
        new OssClient(http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic }),
        new BlobCheckpointStore(blobs.GetBlobContainerClient(options.CheckpointContainer)),
        new UploadSourceResolver(blobs),
        TimeProvider.System,
        services.GetRequiredService<ILogger<UploadEngine>>());
});
builder.Services.AddSingleton<Vod.Functions.Uploads.UploadJobFactory>();
builder.Services.AddHostedService<Vod.Functions.Ingest.StorageBootstrap>();
builder.Services.AddSingleton<Vod.Functions.Callbacks.VodCallbackReceiver>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(services =>
{
    var options = services.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
    return new Vod.Functions.Records.MediaRecordStore(
        TableServiceFrom(builder.Configuration, services.GetRequiredService<AzureComponentFactory>()).GetTableClient(options.MediaTable),
        services.GetRequiredService<TimeProvider>());
});
builder.Services.AddSingleton(services =>
{
    var options = services.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
    var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(StsClient));
    return new StsClient(http, new AlibabaCredential(options.AccessKeyId, options.AccessKeySecret), new StsClientOptions { Endpoint = options.StsEndpoint });
});
builder.Build().Run();

// A connection string locally (Azurite); in Azure identity-based, as the Functions host reads it:
// AzureWebJobsStorage__blobServiceUri (or __accountName), __credential=managedidentity, optional __clientId.
static BlobServiceClient BlobServiceFrom(IConfiguration configuration, AzureComponentFactory factory)
{
    var connection = configuration["AzureWebJobsStorage"];
    if (!string.IsNullOrEmpty(connection))
    {
        return new BlobServiceClient(connection);
    }

    var section = configuration.GetSection("AzureWebJobsStorage");
    var serviceUri = section["blobServiceUri"]
        ?? (section["accountName"] is { Length: > 0 } account ? $"https://{account}.blob.core.windows.net" : null)
        ?? throw new InvalidOperationException("Set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__blobServiceUri (managed identity).");
    return new BlobServiceClient(new Uri(serviceUri), factory.CreateTokenCredential(section));
}

static Azure.Data.Tables.TableServiceClient TableServiceFrom(IConfiguration configuration, AzureComponentFactory factory)
{
    var connection = configuration["AzureWebJobsStorage"];
    if (!string.IsNullOrEmpty(connection))
    {
        return new Azure.Data.Tables.TableServiceClient(connection);
    }

    var section = configuration.GetSection("AzureWebJobsStorage");
    var serviceUri = section["tableServiceUri"]
        ?? (section["accountName"] is { Length: > 0 } account ? $"https://{account}.table.core.windows.net" : null)
        ?? throw new InvalidOperationException("Set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__tableServiceUri (managed identity).");
    return new Azure.Data.Tables.TableServiceClient(new Uri(serviceUri), factory.CreateTokenCredential(section));
}
