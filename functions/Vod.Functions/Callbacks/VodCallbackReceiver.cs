using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Callbacks;
using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Functions.Records;
using Vod.Functions.Api;
using Vod.Functions.Uploads;

namespace Vod.Functions.Callbacks;

/// <summary>
/// <c>POST /api/vod/callback</c>: VOD's event callbacks. Anonymous at the function level and authenticated by VOD's
/// signature over the configured public URL (current and previous key) within a time window. Bodies up to 64 KB,
/// parsed leniently. An upload-complete event wakes the orchestration named by <c>Extend.uploadId</c>. Answers 200,
/// or 400/401/413 for bad input — never 500.
/// </summary>
public sealed partial class VodCallbackReceiver(IOptions<VodFunctionsOptions> options, TimeProvider time, MediaRecordStore records, VodClient vod, ILogger<VodCallbackReceiver> logger)
{
    /// <summary>Largest body accepted: 64 KB.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The HTTP function.</summary>
    [Function("VodCallback")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "vod/callback")] HttpRequest request,
        [DurableClient] DurableTaskClient client) =>
        HandleAsync(request, (uploadId, status, ct) => WakeAsync(client, uploadId, status, ct));

    /// <summary>Verifies, parses and dispatches one callback; <paramref name="wake"/> raises the event to an upload.</summary>
    public async Task<IActionResult> HandleAsync(HttpRequest request, Func<string, string, CancellationToken, Task<bool>> wake)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(wake);
        try
        {
            var body = await ReadLimitedAsync(request).ConfigureAwait(false);
            if (body is null)
            {
                return Problems.Create(StatusCodes.Status413PayloadTooLarge, "CallbackTooLarge", "The callback body is larger than 64 KB.");
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
                return Problems.Create(StatusCodes.Status401Unauthorized, "Callback" + auth, "The callback is not authenticated as VOD's.");
            }

            var message = VodEventMessage.TryParse(body);
            if (message is null)
            {
                return Problems.Invalid("CallbackMalformed", "The body is not a VOD event (a JSON object with an EventType).");
            }

            var uploadId = message.ExtendValue("uploadId") is { Length: > 0 } id && id.StartsWith("upl-", StringComparison.Ordinal) ? id : null;
            var record = await records.ApplyAsync(message, uploadId, request.HttpContext.RequestAborted).ConfigureAwait(false);
            if (record is not null)
            {
                // The body is not signed: the record becomes final only with the VOD API's word.
                await ConfirmAsync(record, request.HttpContext.RequestAborted).ConfigureAwait(false);
            }

            // The owning upload: named in Extend, or remembered by the record.
            uploadId ??= record?.UploadId;
            var woken = false;
            if (UploadStatusOf(message) is { } status && uploadId is not null)
            {
                woken = await wake(uploadId, status, request.HttpContext.RequestAborted).ConfigureAwait(false);
            }

            LogReceived(logger, message.EventType, message.MediaId ?? string.Empty, woken);
            return new OkObjectResult(new { received = message.EventType });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage trouble, not bad input: 503 so VOD tries again.
            LogFailed(logger, ex.GetType().Name);
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "CallbackNotStored", "The callback could not be processed now; it may be sent again.");
        }
    }

    /// <summary>Asks VOD for the media's status and records it; a failure leaves the record for reconciliation.</summary>
    public async Task<MediaRecord?> ConfirmAsync(MediaRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        string? status;
        try
        {
            status = record.PartitionKey switch
            {
                "video" => (await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = record.RowKey }, cancellationToken).ConfigureAwait(false)).Video.Status,
                "image" => (await vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = record.RowKey }, cancellationToken).ConfigureAwait(false)).ImageInfo.Status,
                _ => null,
            };
        }
        catch (AlibabaCloudException ex) when (ex.Kind == AlibabaErrorKind.MediaGone || ex.Code.EndsWith(".NotFound", StringComparison.Ordinal))
        {
            status = "Deleted";
        }
        catch (AlibabaCloudException)
        {
            return null;
        }

        return status is null ? null : await records.ConfirmAsync(record.PartitionKey, record.RowKey, status, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The status an upload orchestration is woken with, for events that finish an upload.</summary>
    public static string? UploadStatusOf(VodEventMessage message)
    {
        if (!string.Equals(message.Status, "success", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return message.EventType switch
        {
            "FileUploadComplete" => "UploadSucc",
            "ImageUploadComplete" or "AttachedMediaUploadComplete" => "Normal",
            _ => null,
        };
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

    private static async Task<byte[]?> ReadLimitedAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "VOD event {EventType} for {MediaId} received (upload woken: {Woken})")]
    private static partial void LogReceived(ILogger logger, string eventType, string mediaId, bool woken);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "VOD callback rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "VOD callback could not be processed: {ErrorType}")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
