using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Emulator;
using Vod.Functions.Records;
using Vod.Testing;

namespace Vod.Functions.Tests;

/// <summary>Reconciliation logs what it repaired, and only that.</summary>
public sealed class ReconciliationLogTests : IAsyncLifetime
{
    private Azurite _azurite = null!;
    private EmulatorHost _emulator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0" });
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_record_vod_only_confirms_unchanged_is_neither_counted_nor_logged_as_a_change()
    {
        // Arrange: a video VOD created but whose file never arrived, so VOD still says "Uploading", as the record does.
        var vod = new VodClient(_http, new AlibabaCredential(_emulator.Options.AccessKeyId, _emulator.Options.AccessKeySecret), new VodClientOptions { Endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority)) });
        var records = new MediaRecordStore(new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "ReconcileLogTests"), TimeProvider.System);
        var created = await vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "waiting", FileName = "w.mp4" });
        await records.EnsureCreatedAsync("video", created.VideoId, "waiting", "browser", null, "alice", CancellationToken.None);
        var settings = Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", ReconcileAfterMinutes = 1 });
        var confirmations = new MediaConfirmations(new VodMediaFacts(vod), records, new ConfirmationBudget(100, TimeProvider.System), TimeSpan.Zero, TimeProvider.System,
            NullLogger<MediaConfirmations>.Instance);
        using var logs = new RecordingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var reconciliation = new Reconciliation(records, confirmations, settings, new LaterTime(TimeSpan.FromMinutes(5)), factory.CreateLogger<Reconciliation>());

        // Act
        var changed = await reconciliation.RunOnceAsync(CancellationToken.None);

        // Assert: VOD was asked (the record is now confirmed), but nothing changed status, so nothing is reported.
        var record = await records.GetAsync("video", created.VideoId, CancellationToken.None);
        Assert.True(record!.Confirmed);
        Assert.Equal("Uploading", record.Status);
        Assert.Equal(0, changed);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("[3101]", StringComparison.Ordinal));
    }

    private sealed class LaterTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + offset;
    }
}
