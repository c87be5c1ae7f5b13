using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Callbacks;
using Vod.Functions.Records;
using Vod.Functions.Api;
using Vod.Functions.Uploads;

using Vod.Functions.Hosting;

namespace Vod.Functions.Callbacks;

/// <summary>
/// <c>POST /api/vod/callback</c>: VOD's event callbacks. Anonymous at the function level and authenticated by VOD's
/// signature over the configured public URL (current and previous key) within a time window. VOD signs only
/// url|timestamp, never the body, so a verified callback is a hint: it makes the app ask the VOD API about the media it
/// names (<see cref="MediaConfirmations"/>), and only the API's answer reaches the record. An upload is woken only when
/// that answer moved the record the upload itself created to an uploaded status. Answers 200, or 400/401/413 for bad
/// input, 503 only when storage fails (so VOD sends it again) — never 500.
/// </summary>
public sealed partial class VodCallbackReceiver(IOptions<VodFunctionsOptions> options, TimeProvider time, MediaConfirmations confirmations, ILogger<VodCallbackReceiver> logger)
{
    /// <summary>Largest body accepted: 64 KB.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The HTTP function.</summary>
    [Function("VodCallback")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "vod/callback")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        HandleAsync(request, (uploadId, status, ct) => WakeAsync(client, uploadId, status, ct));

    /// <summary>Verifies, parses and confirms one callback; <paramref name="wake"/> raises the event to an upload.</summary>
    public async Task<IActionResult> HandleAsync(HttpRequest request, Func<string, string, CancellationToken, Task<bool>> wake)
    {
        var (result, eventType) = await HandleCoreAsync(request, wake).ConfigureAwait(false);

        // Counted by outcome: "accepted", or the problem's stable code (CallbackInvalidSignature, CallbackMalformed …).
        var outcome = result is ObjectResult { Value: ProblemDetails problem } && problem.Extensions.TryGetValue("code", out var code) ? code?.ToString() : "accepted";
        FunctionsTelemetry.Callbacks.Add(1, new("vod.callback.event", eventType ?? "unknown"), new("vod.callback.outcome", outcome));
        return result;
    }

    private async Task<(IActionResult Result, string? EventType)> HandleCoreAsync(HttpRequest request, Func<string, string, CancellationToken, Task<bool>> wake)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(wake);
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            return (Problems.Create(StatusCodes.Status413PayloadTooLarge, "CallbackTooLarge", "The callback body is larger than 64 KB."), null);
        }

        var settings = options.Value;
        var auth = VodCallbackSignature.Verify(
            settings.CallbackPublicUrl?.ToString() ?? string.Empty,
            request.Headers["X-VOD-TIMESTAMP"].FirstOrDefault(),
            request.Headers["X-VOD-SIGNATURE"].FirstOrDefault(),
            settings.CallbackPublicUrl is null ? [] : [settings.CallbackAuthKey, settings.CallbackPreviousAuthKey],
            TimeSpan.FromSeconds(settings.CallbackWindowSeconds),
            time.GetUtcNow(),
            settings.AllowUnsignedCallbacks);
        if (auth is not (CallbackAuthResult.Valid or CallbackAuthResult.UnsignedAllowed))
        {
            LogRejected(logger, auth.ToString());
            return (Problems.Create(StatusCodes.Status401Unauthorized, "Callback" + auth, "The callback is not authenticated as VOD's."), null);
        }

        if (VodEventMessage.TryParse(body) is not { } message)
        {
            return (Problems.Invalid("CallbackMalformed", "The body is not a VOD event (a UTF-8 JSON object with an EventType)."), null);
        }

        if (message.IsPullCompletion && message.ExtendValue("uploadId") is { } pullUploadId && UploadIds.IsUploadId(pullUploadId))
        {
            // A pull job ended (either name, success or failure): the pull upload polls VOD now instead of at its next
            // timer. Only a hint: what the upload does next comes from GetURLUploadInfos, never from this body.
            try
            {
                var wokenPull = await wake(pullUploadId, "pull", CancellationToken.None).ConfigureAwait(false);
                LogPullWoken(logger, message.EventType, message.JobId ?? string.Empty, pullUploadId, wokenPull);
            }
            catch (Grpc.Core.RpcException ex)
            {
                LogFailed(logger, ex.GetType().Name);
                return (Problems.Create(StatusCodes.Status503ServiceUnavailable, "CallbackNotStored", "The callback could not be processed now; it may be sent again."), message.EventType);
            }
        }

        if (message.MediaId is null)
        {
            // A failed pull job, for example: nothing that names a media to ask about.
            LogReceived(logger, message.EventType, string.Empty, "none", false);
            return (new OkObjectResult(new { received = message.EventType }), message.EventType);
        }

        if (!MediaIds.IsValid(message.MediaId))
        {
            return (Problems.Invalid("CallbackInvalidMediaId", "The event's media id is not a VOD id (1–64 letters, digits, '-' or '_')."), message.EventType);
        }

        var kind = RecordKinds.Of(message.EventType);
        try
        {
            var confirmation = await confirmations.ConfirmAsync(kind, message.MediaId).ConfigureAwait(false);
            if (confirmation is { Asked: false, Record: null })
            {
                // VOD could not be asked and nothing records the media, so reconciliation would never ask either: let
                // VOD send it again rather than lose it. (A recorded media is asked about again by reconciliation.)
                return (Problems.Create(StatusCodes.Status503ServiceUnavailable, "CallbackNotStored", "The callback could not be processed now; it may be sent again."), message.EventType);
            }

            var woken = false;
            if (confirmation is { StatusChanged: true, Record: { UploadId: { } uploadId } record } && RecordKinds.IsUploaded(kind, record.Status))
            {
                // Not the request's token: once VOD's answer is recorded, the upload must hear of it even if VOD hung up.
                woken = await wake(uploadId, record.Status, CancellationToken.None).ConfigureAwait(false);
            }

            LogReceived(logger, message.EventType, message.MediaId, confirmation.Record?.Status ?? "unconfirmed", woken);
            return (new OkObjectResult(new { received = message.EventType }), message.EventType);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or Grpc.Core.RpcException)
        {
            // Storage (the records, or the task hub behind the wake) is down, not the request: VOD sends it again.
            LogFailed(logger, ex.GetType().Name);
            return (Problems.Create(StatusCodes.Status503ServiceUnavailable, "CallbackNotStored", "The callback could not be processed now; it may be sent again."), message.EventType);
        }
    }

    private static async Task<bool> WakeAsync(DurableTaskClient client, string uploadId, string status, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(uploadId, cancellationToken).ConfigureAwait(false);
        if (instance is not { IsRunning: true })
        {
            return false;
        }

        await client.RaiseEventAsync(uploadId, UploadOrchestration.VodEventName, status, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 2605, Level = LogLevel.Information, Message = "VOD event {EventType} of pull job {JobId} woke upload {UploadId}: {Woken}")]
    private static partial void LogPullWoken(ILogger logger, string eventType, string jobId, string uploadId, bool woken);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "VOD event {EventType} for {MediaId} received; VOD says {VodStatus} (upload woken: {Woken})")]
    private static partial void LogReceived(ILogger logger, string eventType, string mediaId, string vodStatus, bool woken);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "VOD callback rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "VOD callback could not be processed: {ErrorType}")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
