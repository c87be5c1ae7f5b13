using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Vod.Alibaba.Telemetry;
using Vod.Upload.Telemetry;

namespace Vod.Functions.Hosting;

/// <summary>
/// The worker's telemetry through OpenTelemetry: the function invocations (linked to the host's), the upload's spans
/// (<see cref="UploadTelemetry"/>, <see cref="AlibabaTelemetry"/>, <see cref="FunctionsTelemetry"/>), their metrics,
/// and the logs. Exported to Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, to an OTLP
/// collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, to the console when <c>Vod__TelemetryConsole</c> is true;
/// nothing is collected when none is. Every span is kept (no head sampling): failures are never sampled away.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The span sources the app exports.</summary>
    public static readonly string[] Sources = [UploadTelemetry.Name, AlibabaTelemetry.Name, FunctionsTelemetry.Name];

    /// <summary>The meters the app exports.</summary>
    public static readonly string[] Meters = [UploadTelemetry.Name, FunctionsTelemetry.Name];

    /// <summary>Registers OpenTelemetry with the exporters the configuration names; returns the builder (null when none is named) so tests can add theirs.</summary>
    public static IOpenTelemetryBuilder? AddVodTelemetry(this IServiceCollection services, IConfiguration configuration, bool always = false)
    {
        var azureMonitor = !string.IsNullOrWhiteSpace(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = configuration.GetValue<bool>("Vod:TelemetryConsole");
        if (!(azureMonitor || otlp || console || always))
        {
            return null;
        }

        // Log scopes carry the upload id, media and part range (UploadEngine): exported as dimensions of each log line.
        services.Configure<OpenTelemetry.Logs.OpenTelemetryLoggerOptions>(logs =>
        {
            logs.IncludeScopes = true;
            logs.IncludeFormattedMessage = true;
        });
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(Sources))
            .WithMetrics(metrics => metrics.AddMeter(Meters));
        if (azureMonitor)
        {
            var credential = AzureMonitorAuthentication.CredentialFor(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
            telemetry.UseAzureMonitorExporter(options =>
            {
                if (credential is not null)
                {
                    options.Credential = credential;
                }
            });
        }

        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        if (console)
        {
            telemetry.WithTracing(tracing => tracing.AddConsoleExporter()).WithMetrics(metrics => metrics.AddConsoleExporter());
        }

        return telemetry;
    }
}
