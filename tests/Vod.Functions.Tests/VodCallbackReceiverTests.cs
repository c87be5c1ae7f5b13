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
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Emulator;
using Vod.Functions.Callbacks;
using Vod.Functions.Records;
using Vod.Functions.Uploads;
using Vod.Testing;
using Vod.Upload;

namespace Vod.Functions.Tests;

/// <summary>
/// The callback receiver: authentication and limits, callbacks as hints that only the VOD API turns into facts, forged
/// bodies on genuine signatures, a fuzz of the signed and the unsigned path, and the emulator's real callbacks.
/// </summary>
public sealed class VodCallbackReceiverTests : IAsyncLifetime
{
    private const string Key = "receiver-test-key";
    private static readonly Uri PublicUrl = new("https://vod-app.example.net/api/vod/callback");

    private Azurite _azurite = null!;
    private EmulatorHost _emulator = null!;
    private HttpClient _http = null!;
    private VodClient _vod = null!;
    private MediaRecordStore _records = null!;
    private readonly RecordingLoggerProvider _logs = new();

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0", TranscodeDelay = TimeSpan.FromMilliseconds(100) });
        _http = new HttpClient();
        _vod = new VodClient(_http, new AlibabaCredential(_emulator.Options.AccessKeyId, _emulator.Options.AccessKeySecret),
            new VodClientOptions { Endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority)) });
        _records = new MediaRecordStore(new Azure.Data.Tables.TableClient(_azurite.ConnectionString, "CallbackMedia"), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    /// <summary>A receiver as the app builds it, asking the emulator; no interval between questions unless asked.</summary>
    private VodCallbackReceiver Receiver(string? key = Key, string? previous = null, double perSecond = 1000, TimeProvider? budgetClock = null)
    {
        var loggers = new LoggerFactory([_logs]);
        var confirmations = new MediaConfirmations(new VodMediaFacts(_vod), _records, new ConfirmationBudget(perSecond, budgetClock ?? TimeProvider.System), TimeSpan.Zero,
            TimeProvider.System, loggers.CreateLogger<MediaConfirmations>());
        return new VodCallbackReceiver(
            Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", CallbackPublicUrl = PublicUrl, CallbackAuthKey = key, CallbackPreviousAuthKey = previous }),
            TimeProvider.System, confirmations, loggers.CreateLogger<VodCallbackReceiver>());
    }

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

    private static Dictionary<string, string> Signed(string key = Key, long? at = null)
    {
        var ts = (at ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        return new() { ["X-VOD-TIMESTAMP"] = ts, ["X-VOD-SIGNATURE"] = VodCallbackSignature.Compute(PublicUrl.ToString(), ts, key) };
    }

    private static byte[] FileUploadComplete(string videoId, string extend = """{\"uploadId\":\"upl-abc\"}""", string fileUrl = "http://out.example/v.mp4", long size = 1) =>
        Encoding.UTF8.GetBytes($$"""{"Status":"success","EventType":"FileUploadComplete","VideoId":"{{videoId}}","Size":{{size}},"FileUrl":"{{fileUrl}}","Extend":"{{extend}}"}""");

    private static (int Status, string? Code) Outcome(IActionResult result) => result switch
    {
        OkObjectResult => (200, null),
        ObjectResult { Value: ProblemDetails problem } o => (o.StatusCode ?? 0, problem.Extensions["code"]?.ToString()),
        _ => (-1, null),
    };

    /// <summary>A video created in the emulator and recorded as an upload of ours; its object stored when <paramref name="uploaded"/>.</summary>
    private async Task<string> VideoAsync(string? uploadId, bool uploaded)
    {
        var created = await _vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "v", FileName = "v.mp4" });
        await _records.EnsureCreatedAsync(RecordKinds.Video, created.VideoId, "v", "blob", uploadId, owner: null, CancellationToken.None);
        if (uploaded)
        {
            await new OssClient(_http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic })
                .PutObjectAsync(OssObjectLocation.From(created.DecodeAddress()), new MemoryStream(new byte[4096]), 4096, created.DecodeAuth().Credential);
        }

        return created.VideoId;
    }

    [Theory]
    [InlineData("UploadByURLComplete", "fail")]
    [InlineData("URLUploadComplete", "fail")]
    [InlineData("URLUploadComplete", "success")]
    public async Task A_pull_job_callback_under_either_name_wakes_its_upload_to_poll_and_an_unsigned_one_does_not(string eventType, string status)
    {
        // Arrange: the end of a pull job, with the uploadId the app put in UserData.Extend and keys spelled as VOD's samples.
        const string uploadId = "upl-0123456789abcdef0123456789abcdef";
        var body = Encoding.UTF8.GetBytes($$"""{"Status":"{{status}}","EventType":"{{eventType}}","JobId":"job-1","SourceURL ":"https://acct.blob.core.windows.net/c/v.mp4?sv=1&sig=x","ErrorCode ":"URLExpiredError","Extend":"{\"uploadId\":\"{{uploadId}}\"}"}""");
        var woken = new List<(string, string)>();
        Task<bool> Wake(string id, string s, CancellationToken _) { woken.Add((id, s)); return Task.FromResult(true); }

        // Act
        var signed = await Receiver().HandleAsync(Request(body, Signed()), Wake);
        var unsigned = await Receiver().HandleAsync(Request(body), Wake);

        // Assert
        Assert.Equal((200, null), Outcome(signed));
        Assert.Equal(401, Outcome(unsigned).Status);
        Assert.Equal([(uploadId, "pull")], woken);
        Assert.DoesNotContain("sig=x", _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_events_wake_their_upload_once_and_everything_else_gets_a_clear_refusal()
    {
        // Arrange: an upload of ours whose file VOD has (UploadSucc, held there).
        _emulator.Lifecycle.TranscodeGate.HoldAfter(0);
        var videoId = await VideoAsync("upl-abc", uploaded: true);
        var woken = new List<(string, string)>();
        Task<bool> Wake(string id, string status, CancellationToken _) { woken.Add((id, status)); return Task.FromResult(true); }
        var body = FileUploadComplete(videoId);

        // Act and assert
        Assert.Equal((200, null), Outcome(await Receiver().HandleAsync(Request(body, Signed()), Wake)));
        Assert.Equal((200, null), Outcome(await Receiver(previous: "old-key").HandleAsync(Request(body, Signed("old-key")), Wake)));
        Assert.Equal((401, "CallbackBadSignature"), Outcome(await Receiver().HandleAsync(Request(body, Signed("wrong")), Wake)));
        Assert.Equal((401, "CallbackStale"), Outcome(await Receiver().HandleAsync(Request(body, Signed(at: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds())), Wake)));
        Assert.Equal((401, "CallbackMissingHeaders"), Outcome(await Receiver().HandleAsync(Request(body), Wake)));
        Assert.Equal((401, "CallbackNoKeyConfigured"), Outcome(await Receiver(key: null).HandleAsync(Request(body, Signed()), Wake)));
        Assert.Equal((400, "CallbackMalformed"), Outcome(await Receiver().HandleAsync(Request("[1]"u8.ToArray(), Signed()), Wake)));
        Assert.Equal((400, "CallbackMalformed"), Outcome(await Receiver().HandleAsync(Request([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], Signed()), Wake)));
        Assert.Equal((400, "CallbackInvalidMediaId"), Outcome(await Receiver().HandleAsync(Request(FileUploadComplete("a/b#c?d"), Signed()), Wake)));
        Assert.Equal((400, "CallbackInvalidMediaId"), Outcome(await Receiver().HandleAsync(Request(FileUploadComplete(new string('a', 2000)), Signed()), Wake)));
        Assert.Equal((413, "CallbackTooLarge"), Outcome(await Receiver().HandleAsync(Request(new byte[64 * 1024 + 1], Signed()), Wake)));
        Assert.Equal([("upl-abc", "UploadSucc")], woken);
        Assert.Contains("VOD callback rejected: BadSignature", _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("old-key", _logs.Text, StringComparison.Ordinal);
        _emulator.Lifecycle.TranscodeGate.Release();
    }

    [Fact]
    public async Task A_forged_body_on_a_genuine_signature_changes_no_fact_creates_no_record_and_wakes_nobody()
    {
        // Arrange: a video still uploading (VOD says Uploading), one VOD has finished, both ours.
        var uploading = await VideoAsync("upl-uploading", uploaded: false);
        var finished = await VideoAsync("upl-finished", uploaded: true);
        await Poll.UntilAsync(() => _emulator.State.Media[finished].Status == "Normal", "the emulator finishes transcoding");
        var receiver = Receiver();
        Assert.Equal((200, null), Outcome(await receiver.HandleAsync(Request(FileUploadComplete(finished, """{\"uploadId\":\"upl-finished\"}"""), Signed()), (_, _, _) => Task.FromResult(true))));
        var confirmed = await _records.GetAsync(RecordKinds.Video, finished, CancellationToken.None);
        var woken = new List<string>();
        Task<bool> Wake(string id, string status, CancellationToken _) { woken.Add(id); return Task.FromResult(true); }
        var headers = Signed();

        // Act: bodies an attacker writes, each on the same genuine signature.
        var forgedComplete = await receiver.HandleAsync(Request(FileUploadComplete(uploading, """{\"uploadId\":\"upl-uploading\"}""", "https://attacker.example/evil.mp4", 1), headers), Wake);
        var forgedUrl = await receiver.HandleAsync(Request(FileUploadComplete(finished, """{\"uploadId\":\"upl-finished\"}""", "https://attacker.example/evil.mp4", 1), headers), Wake);
        var otherUpload = await receiver.HandleAsync(Request(FileUploadComplete(finished, """{\"uploadId\":\"upl-victim\"}"""), headers), Wake);
        var junk = new List<IActionResult>();
        for (var i = 0; i < 50; i++)
        {
            junk.Add(await receiver.HandleAsync(Request(Encoding.UTF8.GetBytes($$"""{"EventType":"TranscodeComplete","Status":"fail","VideoId":"{{Guid.NewGuid():N}}"}"""), headers), Wake));
        }

        // Assert
        Assert.All([forgedComplete, forgedUrl, otherUpload, .. junk], r => Assert.Equal((200, null), Outcome(r)));
        var stillUploading = await _records.GetAsync(RecordKinds.Video, uploading, CancellationToken.None);
        Assert.Equal(("Uploading", null, null), (stillUploading!.Status, stillUploading.FileUrl, stillUploading.Size));
        var after = await _records.GetAsync(RecordKinds.Video, finished, CancellationToken.None);
        Assert.Equal((confirmed!.Status, confirmed.FileUrl, confirmed.Size, confirmed.ETag), (after!.Status, after.FileUrl, after.Size, after.ETag));
        Assert.StartsWith("http://", after.FileUrl);
        Assert.Equal(4096, after.Size);
        Assert.Empty(woken);
        Assert.Equal(2, (await _records.QueryAsync(null, null, 100, null, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task Statuses_move_by_what_the_api_says_out_of_transcode_fail_too_and_attached_media_are_asked_about()
    {
        // Arrange: a video VOD failed to transcode and then transcoded again; an attached media VOD has.
        var videoId = await VideoAsync(null, uploaded: true);
        await Poll.UntilAsync(() => _emulator.State.Media[videoId].Status == "Normal", "the emulator finishes transcoding");
        lock (_emulator.State.Sync)
        {
            _emulator.State.Media[videoId].Status = "TranscodeFail";
        }

        var receiver = Receiver();
        var failed = Encoding.UTF8.GetBytes($$"""{"EventType":"TranscodeComplete","Status":"fail","VideoId":"{{videoId}}"}""");
        await receiver.HandleAsync(Request(failed, Signed()), (_, _, _) => Task.FromResult(true));
        var afterFail = await _records.GetAsync(RecordKinds.Video, videoId, CancellationToken.None);
        lock (_emulator.State.Sync)
        {
            _emulator.State.Media[videoId].Status = "Normal";
        }

        var attached = await _vod.CreateUploadAttachedMediaAsync(new CreateUploadAttachedMediaRequest { BusinessType = "subtitle", MediaExt = "srt", Title = "subs" });
        await new OssClient(_http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic })
            .PutObjectAsync(OssObjectLocation.From(attached.DecodeAddress()), new MemoryStream(new byte[77]), 77, attached.DecodeAuth().Credential);

        // Act: two genuine events of the same second share timestamp and signature; both count.
        var headers = Signed();
        var retranscoded = Encoding.UTF8.GetBytes($$"""{"EventType":"TranscodeComplete","Status":"success","VideoId":"{{videoId}}"}""");
        var attachedEvent = Encoding.UTF8.GetBytes($$"""{"EventType":"AttachedMediaUploadComplete","Status":"success","MediaId":"{{attached.MediaId}}","Size":1}""");
        var first = await receiver.HandleAsync(Request(retranscoded, headers), (_, _, _) => Task.FromResult(true));
        var second = await receiver.HandleAsync(Request(attachedEvent, headers), (_, _, _) => Task.FromResult(true));

        // Assert
        Assert.Equal(("TranscodeFail", true), (afterFail!.Status, afterFail.Confirmed));
        Assert.Equal((200, null), Outcome(first));
        Assert.Equal((200, null), Outcome(second));
        Assert.Equal("Normal", (await _records.GetAsync(RecordKinds.Video, videoId, CancellationToken.None))!.Status);
        var record = await _records.GetAsync(RecordKinds.Attached, attached.MediaId, CancellationToken.None);
        Assert.Equal(("Normal", true, 77L, "unknown"), (record!.Status, record.Confirmed, record.Size, record.Source));
        Assert.EndsWith(".srt", record.FileUrl);
    }

    [Fact]
    public async Task With_no_budget_left_an_unrecorded_media_is_sent_again_and_a_recorded_one_left_to_reconciliation()
    {
        // Arrange: one question in the budget, and a clock that never refills it.
        var recorded = await VideoAsync("upl-recorded", uploaded: false);
        var receiver = Receiver(perSecond: 0.5, budgetClock: new FixedTimeProvider(DateTimeOffset.UtcNow));
        Task<bool> NoWake(string id, string status, CancellationToken _) => Task.FromResult(false);

        // Act
        var first = await receiver.HandleAsync(Request(FileUploadComplete(Guid.NewGuid().ToString("N")), Signed()), NoWake);
        var unrecorded = await receiver.HandleAsync(Request(FileUploadComplete(Guid.NewGuid().ToString("N")), Signed()), NoWake);
        var known = await receiver.HandleAsync(Request(FileUploadComplete(recorded), Signed()), NoWake);

        // Assert
        Assert.Equal((200, null), Outcome(first));
        Assert.Equal((503, "CallbackNotStored"), Outcome(unrecorded));
        Assert.Equal((200, null), Outcome(known));
        Assert.Contains("No confirmation budget left", _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_vod_refuses_is_no_answer_about_the_media()
    {
        var videoId = await VideoAsync(null, uploaded: false);
        var refused = new VodMediaFacts(new VodClient(_http, new AlibabaCredential("LTAI5tNotAKnownKey", "x"),
            new VodClientOptions { Endpoint = new Uri(_emulator.BaseUri.GetLeftPart(UriPartial.Authority)) }));

        var error = await Assert.ThrowsAsync<Vod.Alibaba.Errors.AlibabaCloudException>(() => refused.GetAsync(RecordKinds.Video, videoId, CancellationToken.None));

        Assert.EndsWith(".NotFound", error.Code);
        Assert.Equal(MediaFacts.Gone, await new VodMediaFacts(_vod).GetAsync(RecordKinds.Video, Guid.NewGuid().ToString("N"), CancellationToken.None));
    }

    [Fact]
    public async Task Ten_thousand_signed_mutated_bodies_and_ten_thousand_unsigned_ones_get_no_5xx_and_change_no_record()
    {
        // Arrange: three media of ours, their records confirmed; statuses held still so that only bodies vary.
        _emulator.Lifecycle.TranscodeGate.HoldAfter(0);
        var uploading = await VideoAsync("upl-f1", uploaded: false);
        var uploaded = await VideoAsync("upl-f2", uploaded: true);
        var image = await _vod.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = "default" });
        await new OssClient(_http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic })
            .PutObjectAsync(OssObjectLocation.From(image.DecodeAddress()), new MemoryStream(new byte[321]), 321, image.DecodeAuth().Credential);
        await _records.EnsureCreatedAsync(RecordKinds.Image, image.ImageId, "i", "browser", null, "alice", CancellationToken.None);
        var receiver = Receiver();
        Task<bool> NoWake(string id, string status, CancellationToken _) => Task.FromResult(true);
        foreach (var (type, id) in new[] { ("FileUploadComplete", uploading), ("FileUploadComplete", uploaded), ("ImageUploadComplete", image.ImageId) })
        {
            await receiver.HandleAsync(Request(Encoding.UTF8.GetBytes($$"""{"EventType":"{{type}}","Status":"success","VideoId":"{{id}}","ImageId":"{{id}}"}"""), Signed()), NoWake);
        }

        var before = await SnapshotAsync();
        var samples = new[]
        {
            FileUploadComplete(uploading, fileUrl: "https://attacker.example/a.mp4", size: 5),
            FileUploadComplete(uploaded, """{\"uploadId\":\"upl-f1\"}"""),
            Encoding.UTF8.GetBytes($$$"""{"Status":"success","FileURL":"https://x/i.jpg","EventType":"ImageUploadComplete","EventTime":"2024-04-10T01:37:14:627Z","Size":"5","ImageId":"{{{image.ImageId}}}","Extend":{"uploadId":"upl-f2"}}"""),
            Encoding.UTF8.GetBytes($$$"""{"EventType":"TranscodeComplete","Status":"fail","VideoId":"{{{uploaded}}}","StreamInfos":[{"FileUrl":"x"}]}"""),
            Encoding.UTF8.GetBytes($$"""{"EventType":"AttachedMediaUploadComplete","Status":"success","MediaId":"{{uploading}}"}"""),
        };
        var random = new Random(20261203);
        var statuses = new Dictionary<(bool Signed, int Status), int>();
        var wakes = 0;

        // Act
        for (var i = 0; i < 20_000; i++)
        {
            var signed = i % 2 == 0;
            var body = Mutate(random, samples);
            var headers = signed ? Signed() : random.Next(3) switch
            {
                0 => new Dictionary<string, string>(),
                1 => new Dictionary<string, string> { ["X-VOD-TIMESTAMP"] = random.NextInt64().ToString(CultureInfo.InvariantCulture), ["X-VOD-SIGNATURE"] = Convert.ToHexStringLower(RandomBytes(random, 16)) },
                _ => Signed("not-the-key"),
            };
            var (status, _) = Outcome(await receiver.HandleAsync(Request(body, headers), (_, _, _) =>
            {
                Interlocked.Increment(ref wakes);
                return Task.FromResult(true);
            }));
            statuses[(signed, status)] = statuses.GetValueOrDefault((signed, status)) + 1;
        }

        // Assert: no 5xx and nothing unexpected; the signed half reached the parser and the API (200s, 400s).
        var report = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key.Signed ? "signed" : "unsigned")} {s.Key.Status}: {s.Value}"));
        Assert.All(statuses.Keys, k => Assert.Contains(k.Status, new[] { 200, 400, 401, 413 }));
        Assert.True(statuses.GetValueOrDefault((true, 200)) > 1000, report);
        Assert.True(statuses.GetValueOrDefault((true, 400)) > 1000, report);
        Assert.Equal(10_000, statuses.Where(s => !s.Key.Signed && s.Key.Status == 401).Sum(s => s.Value));
        Assert.Equal(0, wakes);
        Assert.Equal(before, await SnapshotAsync());
        _emulator.Lifecycle.TranscodeGate.Release();
    }

    /// <summary>Every record's facts and ETag: any write shows.</summary>
    private async Task<string> SnapshotAsync()
    {
        var (items, _) = await _records.QueryAsync(null, null, 1000, null, CancellationToken.None);
        return string.Join('\n', items.OrderBy(r => r.RowKey, StringComparer.Ordinal)
            .Select(r => $"{r.PartitionKey}/{r.RowKey} {r.Status} {r.Confirmed} {r.FileUrl} {r.Size} {r.UploadId} {r.Owner} {r.Source} {r.ETag}"));
    }

    private static byte[] Mutate(Random random, byte[][] samples)
    {
        var sample = samples[random.Next(samples.Length)];
        switch (random.Next(6))
        {
            case 0:
                return RandomBytes(random, random.Next(0, 300));
            case 1:
            {
                var body = (byte[])sample.Clone();
                for (var m = random.Next(1, 8); m > 0; m--)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                return body;
            }

            case 2:
                return sample[..random.Next(sample.Length)];
            case 3:
                return Encoding.UTF8.GetBytes(new string('[', random.Next(1, 5000)));
            case 4:
            {
                // A valid event with the media id swapped for another one, real or made up.
                var text = Encoding.UTF8.GetString(sample);
                var id = random.Next(3) == 0 ? Guid.NewGuid().ToString("N") : new string((char)random.Next(0x20, 0x7F), random.Next(1, 80));
                return Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(text, "\"(VideoId|ImageId|MediaId)\":\"[^\"]*\"", $"\"$1\":{JsonSerializer.Serialize(id)}"));
            }

            default:
            {
                // A valid event with its fields retyped: numbers for strings, objects for ids, nulls.
                var text = Encoding.UTF8.GetString(sample);
                var replacement = random.Next(4) switch { 0 => "123", 1 => "{}", 2 => "null", _ => "[\"x\"]" };
                return Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(text, "\"(Status|EventType|VideoId|ImageId|Size)\":(\"[^\"]*\"|\\d+)", $"\"$1\":{replacement}"));
            }
        }
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
        harness.Emulator.Lifecycle.TranscodeGate.HoldAfter(0);
        harness.Emulator.Callbacks.AuthKey = Key;
        var publicUrl = new Uri(inbox.BaseUri, "api/vod/callback");
        harness.Emulator.Lifecycle.DefaultCallbackUrl = publicUrl;
        var job = (await harness.PutBlobAsync(FunctionsHarness.Data(300_000, 9), "called.mp4")) with
        {
            Options = new UploadOptions { PartSize = 100 * 1024, Parallel = 2 },
            CallbackTimeoutSeconds = 120,
        };
        var client = harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));

        // Act: hand what the emulator sent to the receiver, headers and all.
        RecordedRequest? sent = null;
        await Poll.UntilAsync(() => (sent = inbox.Requests.FirstOrDefault(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("EventType").GetString() == "FileUploadComplete")) is not null,
            "the emulator sends FileUploadComplete");
        var receiver = new VodCallbackReceiver(
            Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", CallbackPublicUrl = publicUrl, CallbackAuthKey = Key }),
            TimeProvider.System, harness.Confirmations, NullLogger<VodCallbackReceiver>.Instance);
        var answer = await receiver.HandleAsync(
            Request(sent!.Body, new Dictionary<string, string> { ["X-VOD-TIMESTAMP"] = sent.Header("x-vod-timestamp")!, ["X-VOD-SIGNATURE"] = sent.Header("x-vod-signature")! }),
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);
        harness.Emulator.Lifecycle.TranscodeGate.Release();

        // Assert: completed through the event, well before the 120 s fallback, with what the API said.
        Assert.Equal((200, null), Outcome(answer));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("UploadSucc", done.ReadOutputAs<UploadOutcome>()!.VodStatus);
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
