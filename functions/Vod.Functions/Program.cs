using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vod.Functions;
using Vod.Functions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddVodFunctions(builder.Configuration);
builder.Services.AddVodTelemetry(builder.Configuration);
// The worker process lives only as long as the host that started it (a killed host used to leave it running).
builder.Services.AddHostedService<HostProcessWatch>();
builder.Build().Run();
