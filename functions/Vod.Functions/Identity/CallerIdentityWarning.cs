using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vod.Functions.Identity;

/// <summary>Says at start-up, as a warning, when the browser endpoints run without caller identity or cannot trust it.</summary>
public sealed partial class CallerIdentityWarning(IOptions<VodFunctionsOptions> options, ILogger<CallerIdentityWarning> logger) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CallerIdentity == CallerIdentityMode.None)
        {
            LogNoIdentity(logger);
        }
        else if (options.Value.CallerIdentity == CallerIdentityMode.AppServiceAuthentication && !AppServiceAuthenticationIdentity.IsEnabled(Environment.GetEnvironmentVariable))
        {
            LogAuthenticationOff(logger);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning,
        Message = "Vod:CallerIdentity is None: every browser caller is the same local developer. Use AppServiceAuthentication or Jwt anywhere but a local run.")]
    private static partial void LogNoIdentity(ILogger logger);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning,
        Message = "Vod:CallerIdentity is AppServiceAuthentication but App Service Authentication is off (WEBSITE_AUTH_ENABLED): every browser request is refused until it is enabled.")]
    private static partial void LogAuthenticationOff(ILogger logger);
}
