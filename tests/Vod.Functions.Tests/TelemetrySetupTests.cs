using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using Vod.Functions.Hosting;

namespace Vod.Functions.Tests;

public sealed class TelemetrySetupTests
{
    [Fact]
    public void Nothing_is_collected_when_no_exporter_is_named() =>
        Assert.Null(new ServiceCollection().AddVodTelemetry(new ConfigurationBuilder().Build()));

    [Fact]
    public void Exported_log_lines_carry_their_scopes_the_upload_id_among_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" }).Build();
        var services = new ServiceCollection().AddLogging();
        Assert.NotNull(services.AddVodTelemetry(configuration));
        using var provider = services.BuildServiceProvider();

        var logs = provider.GetRequiredService<IOptions<OpenTelemetryLoggerOptions>>().Value;

        Assert.True(logs.IncludeScopes);
        Assert.True(logs.IncludeFormattedMessage);
    }
}
