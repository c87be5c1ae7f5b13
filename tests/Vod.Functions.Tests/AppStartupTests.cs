using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vod.Functions.Ingest;
using Vod.Testing;

namespace Vod.Functions.Tests;

/// <summary>
/// The services Program.cs gives the Functions worker, built from the sample settings as the host hands them over:
/// every function class the worker will activate can be built, and a bad setting stops start-up naming itself.
/// </summary>
public sealed class AppStartupTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] overrides)
    {
        // The host passes local.settings.json's Values to the worker as environment variables; configuration reads
        // their "__" as ":".
        var values = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json"))).RootElement
            .GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString());
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddLogging().AddVodFunctions(configuration).BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    [Fact]
    public void With_the_sample_settings_every_function_class_and_the_start_up_service_can_be_built()
    {
        // Arrange
        using var services = Services();
        var functionClasses = typeof(AppServices).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => !m.IsStatic && m.GetCustomAttribute<FunctionAttribute>() is not null))
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToList();

        // Act: the worker activates function classes the same way, per invocation.
        var built = functionClasses.Select(name => ActivatorUtilities.CreateInstance(services, typeof(AppServices).Assembly.GetTypes().Single(t => t.Name == name))).ToList();
        var options = services.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;

        // Assert
        Assert.Equal(["AppServerApi", "BlobIngest", "HistoryPurge", "MediaApi", "PullActivities", "Reconciliation", "UploadActivities", "UploadsApi", "VodCallbackReceiver"], functionClasses);
        Assert.All(built, Assert.NotNull);
        Assert.Contains(services.GetServices<IHostedService>(), s => s is StorageBootstrap);
        Assert.Equal(new Uri("http://127.0.0.1:5080"), options.Endpoint);
        Assert.Equal("vod-incoming", options.IncomingContainer);
    }

    [Theory]
    [InlineData("Vod:Parallel", "0", "Parallel")]
    [InlineData("Vod:AccessKeySecret", "", "AccessKeySecret")]
    [InlineData("Vod:IncomingContainer", "Not_A_Container", "IncomingContainer")]
    [InlineData("Vod:RejectionContainer", "x", "RejectionContainer")]
    [InlineData("Vod:StsDurationSeconds", "60", "StsDurationSeconds")]
    [InlineData("Vod:DefaultTransferMode", "sideways", "DefaultTransferMode")]
    [InlineData("Vod:PullUrlLifetimeMinutes", "0", "PullUrlLifetimeMinutes")]
    [InlineData("Vod:PullMaxPollSeconds", "5", "PullMaxPollSeconds")]
    public void A_bad_setting_stops_start_up_naming_it_and_no_secret(string key, string value, string named)
    {
        using var services = Services((key, value));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<VodFunctionsOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("emulator-dev-secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dev-callback-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_endpoint_settings_as_the_infrastructure_writes_them_mean_derive_from_the_region()
    {
        using var services = Services(("Vod:Endpoint", ""), ("Vod:StsEndpoint", ""));

        var options = services.GetRequiredService<IOptions<VodFunctionsOptions>>().Value;

        Assert.Null(options.Endpoint);
        Assert.Null(options.StsEndpoint);
    }
}
