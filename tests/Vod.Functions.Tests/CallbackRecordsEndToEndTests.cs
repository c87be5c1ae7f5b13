using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vod.Functions.Callbacks;
using Vod.Functions.Uploads;
using Vod.Testing;
using Vod.Upload;

namespace Vod.Functions.Tests;

/// <summary>
/// Blob uploads end to end with the emulator's signed callbacks duplicated and reordered by its fault switches: the
/// records end as the VOD API says, and both orchestrations complete through the receiver.
/// </summary>
public sealed class CallbackRecordsEndToEndTests
{
    private const string Key = "e2e-callback-key";

    [Fact]
    public async Task Duplicated_and_reordered_callbacks_leave_correct_records_for_a_video_and_an_image()
    {
        // Arrange
        await using var harness = await FunctionsHarness.StartAsync();
        await using var inbox = await RecordingServer.StartAsync();
        inbox.Respond = _ => new ScriptedResponse(200);
        var publicUrl = new Uri(inbox.BaseUri, "api/vod/callback");
        harness.Emulator.Lifecycle.DefaultCallbackUrl = publicUrl;
        harness.Emulator.Callbacks.AuthKey = Key;
        harness.Emulator.Faults.SetCallbackFault(Vod.Emulator.State.CallbackFaultMode.Duplicate, 3, TimeSpan.Zero);
        var receiver = new VodCallbackReceiver(
            Options.Create(new VodFunctionsOptions { AccessKeyId = "x", AccessKeySecret = "y", CallbackPublicUrl = publicUrl, CallbackAuthKey = Key }),
            TimeProvider.System, harness.Confirmations, NullLogger<VodCallbackReceiver>.Instance);
        var options = new UploadOptions { PartSize = 100 * 1024, Parallel = 2 };
        var video = (await harness.PutBlobAsync(FunctionsHarness.Data(250_000, 1), "e2e.mp4")) with { Options = options, CallbackTimeoutSeconds = 120 };
        var image = (await harness.PutBlobAsync(FunctionsHarness.Data(30_000, 2), "e2e.png")) with { Options = options, CallbackTimeoutSeconds = 120 };
        var client = harness.Host.Client;

        // Act: both uploads run; every callback the emulator sends is handed to the receiver, newest first.
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), video, new StartOrchestrationOptions(video.UploadId));
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), image, new StartOrchestrationOptions(image.UploadId));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !inbox.Requests.Any(r => Type(r) == "TranscodeComplete") || !inbox.Requests.Any(r => Type(r) == "ImageUploadComplete"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the emulator's callbacks did not arrive");
            await Task.Delay(50);
        }

        await harness.Emulator.WaitForCallbacksAsync(TimeSpan.FromSeconds(10));
        var delivered = inbox.Requests.Reverse().ToList();
        foreach (var sent in delivered)
        {
            var context = new DefaultHttpContext();
            context.Request.Body = new MemoryStream(sent.Body);
            context.Request.ContentLength = sent.Body.Length;
            context.Request.Headers["X-VOD-TIMESTAMP"] = sent.Header("x-vod-timestamp");
            context.Request.Headers["X-VOD-SIGNATURE"] = sent.Header("x-vod-signature");
            await receiver.HandleAsync(context.Request, async (id, status, ct) =>
            {
                if (await client.GetInstanceAsync(id, ct) is not { IsRunning: true })
                {
                    return false;
                }

                await client.RaiseEventAsync(id, UploadOrchestration.VodEventName, status, ct);
                return true;
            });
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var videoDone = await client.WaitForInstanceCompletionAsync(video.UploadId, getInputsAndOutputs: true, timeout.Token);
        var imageDone = await client.WaitForInstanceCompletionAsync(image.UploadId, getInputsAndOutputs: true, timeout.Token);

        // Assert
        Assert.True(delivered.Count > delivered.Select(r => Convert.ToBase64String(r.Body)).Distinct().Count(), "the emulator duplicated nothing");
        var videoId = videoDone.ReadOutputAs<UploadOutcome>()!.MediaId;
        var imageId = imageDone.ReadOutputAs<UploadOutcome>()!.MediaId;
        var videoRecord = (await harness.Records.GetAsync("video", videoId, CancellationToken.None))!;
        var imageRecord = (await harness.Records.GetAsync("image", imageId, CancellationToken.None))!;
        Assert.Equal("Normal", videoRecord.Status);
        Assert.True(videoRecord.Confirmed);
        Assert.StartsWith("http://", videoRecord.FileUrl);
        Assert.Equal(250_000, videoRecord.Size);
        // Handed newest first, the first callback already found VOD at Normal: one change, however many callbacks.
        var history = JsonDocument.Parse(videoRecord.HistoryJson).RootElement.EnumerateArray().Select(e => e.GetProperty("Status").GetString()).ToList();
        Assert.Equal(["Normal"], history);
        Assert.Equal("Normal", videoDone.ReadOutputAs<UploadOutcome>()!.VodStatus);
        Assert.Equal("Normal", imageRecord.Status);
        Assert.EndsWith(".png", imageRecord.FileUrl);
        Assert.Equal(image.UploadId, imageRecord.UploadId);
    }

    private static string? Type(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("EventType").GetString();
}
