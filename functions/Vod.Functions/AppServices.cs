using Azure.Storage.Blobs;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi;
using Vod.Functions.Callbacks;
using Vod.Functions.Identity;
using Vod.Functions.Ingest;
using Vod.Functions.Records;
using Vod.Functions.Uploads;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;
using Vod.Upload.Pull;
using Vod.Upload.Sources;

namespace Vod.Functions;

/// <summary>
/// The app's services: validated options, the Alibaba clients, the upload engine over Blob checkpoints, the media
/// records and the start-up container check. Program.cs adds them to the Functions worker; tests build the same set.
/// </summary>
public static class AppServices
{
    /// <summary>Adds the app's services, configured from <paramref name="configuration"/> (section <c>Vod</c>, and <c>AzureWebJobsStorage</c>).</summary>
    public static IServiceCollection AddVodFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VodFunctionsOptions>()
            .Bind(configuration.GetSection(VodFunctionsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient(nameof(VodClient));

        // Parts go out on kept connections (the handler renews them itself, so the factory need not rotate it).
        services.AddHttpClient(nameof(OssClient)).ConfigurePrimaryHttpMessageHandler(OssClient.CreateHandler).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddAzureClientsCore();
        services.AddSingleton(provider => BlobServiceFrom(configuration, provider.GetRequiredService<AzureComponentFactory>()));
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(VodClient));
            return new VodClient(http, new AlibabaCredential(options.AccessKeyId, options.AccessKeySecret),
                new VodClientOptions { Region = options.Region, Endpoint = options.Endpoint });
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
            var blobs = provider.GetRequiredService<BlobServiceClient>();
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(OssClient));
            return new UploadEngine(
                provider.GetRequiredService<VodClient>(),
                new OssClient(http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic }),
                new BlobCheckpointStore(blobs.GetBlobContainerClient(options.CheckpointContainer)),
                new UploadSourceResolver(blobs),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<UploadEngine>>());
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
            return new PullUploader(
                provider.GetRequiredService<VodClient>(),
                new BlobPullCheckpointStore(provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(options.CheckpointContainer)),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<PullUploader>>());
        });
        services.AddSingleton(provider => PullSignerFrom(configuration, provider.GetRequiredService<BlobServiceClient>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<UploadJobFactory>();
        services.AddSingleton<UploadStarter>();
        services.AddHostedService<StorageBootstrap>();
        services.AddSingleton<VodCallbackReceiver>();
        services.AddSingleton<IMediaFacts, VodMediaFacts>();
        services.AddSingleton(provider => new ConfirmationBudget(
            provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value.ConfirmationsPerSecond, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new MediaConfirmations(
            provider.GetRequiredService<IMediaFacts>(), provider.GetRequiredService<MediaRecordStore>(), provider.GetRequiredService<ConfirmationBudget>(),
            TimeSpan.FromMilliseconds(provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value.MediaConfirmIntervalMilliseconds),
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<MediaConfirmations>>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ICallerIdentity>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
            return options.CallerIdentity switch
            {
                CallerIdentityMode.Jwt => new JwtBearerIdentity(options.JwtIssuer!, options.JwtAudience!, options.JwtMetadataUrl, options.JwtSigningKeys),
                CallerIdentityMode.None => new NoCallerIdentity(),
                _ => new AppServiceAuthenticationIdentity(AppServiceAuthenticationIdentity.IsEnabled(Environment.GetEnvironmentVariable)),
            };
        });
        services.AddHostedService<CallerIdentityWarning>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
            return new CallerQuota(
                TableServiceFrom(configuration, provider.GetRequiredService<AzureComponentFactory>()).GetTableClient(options.QuotaTable),
                options.CredentialRequestsPerMinute, options.CredentialRequestsPerDay, provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
            return new MediaRecordStore(
                TableServiceFrom(configuration, provider.GetRequiredService<AzureComponentFactory>()).GetTableClient(options.MediaTable),
                provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(StsClient));
            return new StsClient(http, new AlibabaCredential(options.AccessKeyId, options.AccessKeySecret), new StsClientOptions { Endpoint = options.StsEndpoint });
        });
        return services;
    }

    // Pull URLs: a user delegation SAS with the managed identity in Azure; the development key's service SAS against the
    // local emulator only; with any other account key, none (pulls are refused, auto pushes).
    private static IPullUrlSigner PullSignerFrom(IConfiguration configuration, BlobServiceClient blobs, TimeProvider time)
    {
        var connection = configuration["AzureWebJobsStorage"];
        if (string.IsNullOrEmpty(connection))
        {
            return new UserDelegationUrlSigner(blobs, time);
        }

        return (IPullUrlSigner?)DevelopmentUrlSigner.TryCreate(connection, time) ?? new NoPullUrlSigner();
    }

    // A connection string locally (Azurite); in Azure identity-based, as the Functions host reads it:
    // AzureWebJobsStorage__blobServiceUri (or __accountName), __credential=managedidentity, optional __clientId.
    private static BlobServiceClient BlobServiceFrom(IConfiguration configuration, AzureComponentFactory factory)
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

    private static Azure.Data.Tables.TableServiceClient TableServiceFrom(IConfiguration configuration, AzureComponentFactory factory)
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
}
