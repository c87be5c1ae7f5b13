using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Callbacks;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.VodApi;
using Vod.Emulator;
using Vod.Functions.Records;
using Vod.Functions.Callbacks;
using Vod.Functions.Uploads;
using Vod.Testing;
using Vod.Upload;

namespace Vod.Functions.Tests;

/// <summary>The callback receiver: authentication, limits, a fuzz of bad input, and the emulator's real callbacks.</summary>
public sealed class VodCallbackReceiverTests : IAsyncLifetime
{
    private Azurite _azurite = null!;
    private EmulatorHost _emulator = null!;
    private HttpClient _http = null!;
    private MediaRecordStore _records = null!;
    private readonly RecordingLoggerProvider _logs = new();

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0" });
        _http = new HttpClient();
        _records = new MediaRecordStore(new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "CallbackMedia"), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private VodCallbackReceiver Receiver(Uri? publicUrl = null, string? key = Key, string? previous = null) => new(
        Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", CallbackPublicUrl = publicUrl ?? PublicUrl, CallbackAuthKey = key, CallbackPreviousAuthKey = previous }),
        TimeProvider.System, _records,
        new VodClient(_http, new AlibabaCredential(_emulator.Options.AccessKeyId, _emulator.Options.AccessKeySecret), new VodClientOptions { Endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority)) }),
        new LoggerFactory([_logs]).CreateLogger<VodCallbackReceiver>());

    private const string Key = "receiver-test-key";
    private static readonly Uri PublicUrl = new("https://vod-app.example.net/api/vod/callback");


    private static HttpRequest Request(byte[] body, IDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }

    private static Dictionary<string, string> Signed(string key = Key, long? at = null, Uri? url = null)
    {
        var ts = (at ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        return new() { ["X-VOD-TIMESTAMP"] = ts, ["X-VOD-SIGNATURE"] = VodCallbackSignature.Compute((url ?? PublicUrl).ToString(), ts, key) };
    }

    private static readonly byte[] Event = Encoding.UTF8.GetBytes("""{"Status":"success","EventType":"FileUploadComplete","VideoId":"v","Size":1,"Extend":"{\"uploadId\":\"upl-abc\"}"}""");

    private static (int Status, string? Code) Outcome(IActionResult result) => result switch
    {
        OkObjectResult ok => (200, null),
        ObjectResult { Value: ProblemDetails problem } o => (o.StatusCode ?? 0, problem.Extensions["code"]?.ToString()),
        _ => (-1, null),
    };

    [Fact]
    public async Task Signed_events_wake_their_upload_and_everything_else_gets_a_clear_refusal()
    {
        var woken = new List<(string, string)>();
        Task<bool> Wake(string id, string status, CancellationToken _) { woken.Add((id, status)); return Task.FromResult(true); }

        Assert.Equal((200, null), Outcome(await Receiver().HandleAsync(Request(Event, Signed()), Wake)));
        Assert.Equal((200, null), Outcome(await Receiver(previous: "old-key").HandleAsync(Request(Event, Signed("old-key")), Wake)));
        Assert.Equal((401, "CallbackBadSignature"), Outcome(await Receiver().HandleAsync(Request(Event, Signed("wrong")), Wake)));
        Assert.Equal((401, "CallbackStale"), Outcome(await Receiver().HandleAsync(Request(Event, Signed(at: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds())), Wake)));
        Assert.Equal((401, "CallbackMissingHeaders"), Outcome(await Receiver().HandleAsync(Request(Event), Wake)));
        Assert.Equal((401, "CallbackNoKeyConfigured"), Outcome(await Receiver(key: null).HandleAsync(Request(Event, Signed()), Wake)));
        Assert.Equal((400, "CallbackMalformed"), Outcome(await Receiver().HandleAsync(Request("[1]"u8.ToArray(), Signed()), Wake)));
        Assert.Equal((413, "CallbackTooLarge"), Outcome(await Receiver().HandleAsync(Request(new byte[64 * 1024 + 1], Signed()), Wake)));
        Assert.Equal([("upl-abc", "UploadSucc"), ("upl-abc", "UploadSucc")], woken);
        Assert.Contains("VOD callback rejected: BadSignature", _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("old-key", _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_thousand_random_and_mutated_requests_never_get_a_500_and_unauthenticated_ones_wake_nothing()
    {
        var random = new Random(20261125);
        var wakes = 0;
        var statuses = new Dictionary<int, int>();
        var samples = new[]
        {
            Event,
            """{"Status":"success","FileURL":"https://x/i.jpg","EventType":"ImageUploadComplete","EventTime":"2024-04-10T01:37:14:627Z","Size":"5","ImageId":"i","Extend":{"uploadId":"upl-x"}}"""u8.ToArray(),
        };
        for (var i = 0; i < 10_000; i++)
        {
            byte[] body;
            switch (random.Next(4))
            {
                case 0:
                    body = new byte[random.Next(0, 300)];
                    random.NextBytes(body);
                    break;
                case 1:
                    body = (byte[])samples[random.Next(samples.Length)].Clone();
                    for (var m = random.Next(1, 8); m > 0 && body.Length > 0; m--)
                    {
                        body[random.Next(body.Length)] = (byte)random.Next(256);
                    }

                    break;
                case 2:
                    body = samples[random.Next(samples.Length)][..random.Next(samples[0].Length / 2)];
                    break;
                default:
                    body = Encoding.UTF8.GetBytes(new string('[', random.Next(1, 5000)));
                    break;
            }

            var headers = random.Next(3) switch
            {
                0 => new Dictionary<string, string>(),
                1 => new Dictionary<string, string> { ["X-VOD-TIMESTAMP"] = random.NextInt64().ToString(CultureInfo.InvariantCulture), ["X-VOD-SIGNATURE"] = Convert.ToHexStringLower(RandomBytes(random, random.Next(10, 20))) },
                _ => Signed("not-the-key"),
            };
            var (status, _) = Outcome(await Receiver().HandleAsync(Request(body, headers), (_, _, _) =>
            {
                Interlocked.Increment(ref wakes);
                return Task.FromResult(true);
            }));
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        Assert.DoesNotContain(500, statuses.Keys);
        Assert.Empty((await _records.QueryAsync(null, null, 10, null, CancellationToken.None)).Items);
        Assert.DoesNotContain(-1, statuses.Keys);
        Assert.Equal(0, wakes);
        Assert.True(statuses.GetValueOrDefault(401) > 5000);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task The_emulators_signed_file_upload_complete_completes_the_orchestration()
    {
        // Arrange: the emulator calls a recording endpoint standing in for the app's public URL.
        await using var harness = await FunctionsHarness.StartAsync();
        await using var inbox = await RecordingServer.StartAsync();
        inbox.Respond = _ => new ScriptedResponse(200);
        var publicUrl = new Uri(inbox.BaseUri, "api/vod/callback");
        harness.Emulator.Lifecycle.DefaultCallbackUrl = publicUrl;
        harness.Emulator.Callbacks.AuthKey = Key;
        var job = (await harness.PutBlobAsync(FunctionsHarness.Data(300_000, 9), "called.mp4")) with
        {
            Options = new UploadOptions { PartSize = 100 * 1024, Parallel = 2 },
            CallbackTimeoutSeconds = 120,
        };
        var client = harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));

        // Act: hand what the emulator sent to the receiver, headers and all.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        RecordedRequest? sent = null;
        while (sent is null && DateTime.UtcNow < deadline)
        {
            sent = inbox.Requests.FirstOrDefault(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("EventType").GetString() == "FileUploadComplete");
            await Task.Delay(50);
        }

        Assert.NotNull(sent);
        var receiver = new VodCallbackReceiver(
            Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", CallbackPublicUrl = publicUrl, CallbackAuthKey = Key }),
            TimeProvider.System, harness.Records, harness.Vod, NullLogger<VodCallbackReceiver>.Instance);
        var answer = await receiver.HandleAsync(
            Request(sent.Body, new Dictionary<string, string> { ["X-VOD-TIMESTAMP"] = sent.Header("x-vod-timestamp")!, ["X-VOD-SIGNATURE"] = sent.Header("x-vod-signature")! }),
            async (id, status, ct) =>
            {
                // The receiver's real path: wake the running instance through the Durable client.
                var instance = await client.GetInstanceAsync(id, ct);
                if (instance is not { IsRunning: true })
                {
                    return false;
                }

                await client.RaiseEventAsync(id, UploadOrchestration.VodEventName, status, ct);
                return true;
            });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);

        // Assert: completed through the event, well before the 120 s fallback.
        Assert.Equal((200, null), Outcome(answer));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("UploadSucc", done.ReadOutputAs<UploadOutcome>()!.VodStatus);
        Assert.True(done.LastUpdatedAt - done.CreatedAt < TimeSpan.FromSeconds(60));
        var outcome = done.ReadOutputAs<UploadOutcome>()!;
        var record = await harness.Records.GetAsync("video", outcome.MediaId, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal("blob", record.Source);
        Assert.Equal(job.UploadId, record.UploadId);
        Assert.True(record.Confirmed);
        Assert.StartsWith("http://", record.FileUrl);
        Assert.Equal(300_000, record.Size);
    }
}
