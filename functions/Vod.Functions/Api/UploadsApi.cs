using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Functions.Ingest;
using Vod.Functions.Uploads;
using Vod.Upload;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

namespace Vod.Functions.Api;

/// <summary>Body of <c>POST /api/uploads</c>.</summary>
public sealed record StartUploadRequest
{
    /// <summary>Container of the source blob. Default: the incoming container.</summary>
    public string? Container { get; init; }

    /// <summary>Required. Name of the source blob.</summary>
    public string? Name { get; init; }

    /// <summary>VOD fields; the blob's metadata and file name fill what is missing.</summary>
    public MediaMetadata? Metadata { get; init; }

    /// <summary>Engine options; the app's defaults when null.</summary>
    public UploadOptions? Options { get; init; }
}

/// <summary>
/// The upload management API (function-key auth): start, watch, list, stop, resume, cancel, retry and purge uploads.
/// Every error is RFC 7807 problem details with a stable code.
/// </summary>
public sealed partial class UploadsApi(UploadJobFactory jobs, UploadStarter starter, UploadEngine engine, IOptions<VodFunctionsOptions> options, ILogger<UploadsApi> logger, Vod.Upload.Pull.PullUploader pull)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary><c>POST /api/uploads</c>: 202 with the upload id and status URL; 409 while the same source is running.</summary>
    [Function("StartUpload")]
    public async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "uploads")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        StartUploadRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<StartUploadRequest>(request.Body, Json, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Problems.Invalid("InvalidJson", "The body is not valid JSON: " + ex.Message);
        }

        if (string.IsNullOrWhiteSpace(body?.Name))
        {
            return Problems.Invalid("MissingName", "'name' (the source blob's name) is required.");
        }

        if (body.Options is { } engineOptions)
        {
            try
            {
                engineOptions.Validate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                return Problems.Invalid("InvalidOption", ex.Message.Split(Environment.NewLine)[0]);
            }
        }

        var container = body.Container ?? options.Value.IncomingContainer;
        if (BlobNames.ContainerProblem(container) is { } badContainer)
        {
            return Problems.Invalid("InvalidContainer", badContainer);
        }

        if (BlobNames.BlobProblem(body.Name) is { } badName)
        {
            return Problems.Invalid("InvalidName", badName);
        }

        if (!options.Value.IsAllowedSource(container))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "ContainerNotAllowed", "The API does not read that container.",
                $"Uploads start from '{options.Value.IncomingContainer}' and the containers in Vod__AllowedSourceContainers.");
        }

        (UploadJob? Job, Refusal? Refusal) built;
        try
        {
            built = await jobs.ForBlobAsync(container, body.Name, body.Metadata, body.Options, request.HttpContext.RequestAborted);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Problems.NotFound($"The blob '{container}/{body.Name}' does not exist.");
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            // A name the checks above let through but the storage service refuses is still the caller's input.
            return Problems.Invalid("InvalidName", $"Storage refused the container or blob name ({ex.ErrorCode}).");
        }

        if (built.Refusal is { } refusal)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, refusal.Code, "The blob cannot be uploaded to VOD.", refusal.Reason);
        }

        var job = built.Job!;
        if (await client.GetInstanceAsync(job.UploadId, request.HttpContext.RequestAborted) is { } existing)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "UploadExists", "This blob version already has an upload.",
                $"Upload {job.UploadId} is {existing.RuntimeStatus}.", StatusUrl(request, job.UploadId));
        }

        if (!await starter.StartAsync(client, job, request.HttpContext.RequestAborted))
        {
            return Problems.Create(StatusCodes.Status409Conflict, "UploadExists", "This blob version already has an upload.",
                $"Upload {job.UploadId} was started by another request.", StatusUrl(request, job.UploadId));
        }

        return new AcceptedResult(StatusUrl(request, job.UploadId), new { id = job.UploadId, statusUrl = StatusUrl(request, job.UploadId) });
    }

    /// <summary>
    /// <c>GET /api/uploads/{id}</c>: status, progress, result or error. While the upload is unfinished its progress
    /// counts the parts its checkpoint has recorded, so it moves with every stored part.
    /// </summary>
    [Function("GetUpload")]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "uploads/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
    {
        var instance = UploadIds.IsUploadId(id) ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, request.HttpContext.RequestAborted) : null;
        if (instance is null)
        {
            return Problems.NotFound($"No upload '{id}'.");
        }

        var stored = instance.RuntimeStatus != OrchestrationRuntimeStatus.Completed && instance.ReadInputAs<UploadJob>() is { } job
            ? await StoredProgressAsync(job, request.HttpContext.RequestAborted)
            : null;
        return new OkObjectResult(UploadView.From(instance, stored));
    }

    // The checkpoint only sharpens the progress: when it cannot be read, the orchestration's own status still answers.
    private async Task<UploadProgress?> StoredProgressAsync(UploadJob job, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.ProgressAsync(UploadStarter.CheckpointKey(job), cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            LogProgressUnavailable(logger, job.UploadId, ex.Status);
            return null;
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Checkpoint of upload {UploadId} could not be read ({Status}); its status shows the orchestration's progress")]
    private static partial void LogProgressUnavailable(ILogger logger, string uploadId, int status);

    /// <summary><c>GET /api/uploads?status=Running&amp;pageSize=50&amp;continuationToken=…</c>.</summary>
    [Function("ListUploads")]
    public static async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "uploads")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        var statuses = new List<OrchestrationRuntimeStatus>();
        foreach (var text in request.Query["status"].SelectMany(s => (s ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(text, ignoreCase: true, out var status))
            {
                return Problems.Invalid("InvalidStatus", $"'{text}' is not a status (Running, Completed, Failed, Terminated, Suspended, Pending).");
            }

            statuses.Add(status);
        }

        var pageSizeText = request.Query["pageSize"].FirstOrDefault();
        var pageSize = pageSizeText is null ? 50 : int.TryParse(pageSizeText, out var size) ? size : 0;
        if (pageSize is < 1 or > 500)
        {
            return Problems.Invalid("InvalidPageSize", "pageSize must be a whole number 1–500.");
        }

        if (ListCursor.TryDecode(request.Query["continuationToken"].FirstOrDefault()) is not { } cursor)
        {
            return Problems.Invalid("InvalidContinuationToken", "continuationToken is not a token this API returned.");
        }

        // Sub-orchestrations (ids with ':') share the prefix and are dropped, so one backend page may hold fewer uploads
        // than asked for: read on until the page is full, and remember where inside a backend page it stopped.
        var items = new List<UploadView>(pageSize);
        ListCursor? next;
        while (true)
        {
            var query = new OrchestrationQuery
            {
                InstanceIdPrefix = "upl-",
                Statuses = statuses.Count > 0 ? statuses : null,
                PageSize = pageSize,
                ContinuationToken = cursor.Backend,
                FetchInputsAndOutputs = true,
            };
            var page = await client.GetAllInstancesAsync(query).AsPages().FirstAsync(request.HttpContext.RequestAborted);
            var uploads = page.Values.Where(i => !i.InstanceId.Contains(':', StringComparison.Ordinal)).ToList();
            var taken = Math.Min(pageSize - items.Count, Math.Max(0, uploads.Count - cursor.Skip));
            items.AddRange(uploads.Skip(cursor.Skip).Take(taken).Select(i => UploadView.From(i)));
            var consumed = cursor.Skip + taken;
            var more = string.IsNullOrEmpty(page.ContinuationToken) ? null : new ListCursor(page.ContinuationToken, 0);
            if (items.Count == pageSize)
            {
                next = consumed < uploads.Count ? cursor with { Skip = consumed } : more;
                break;
            }

            if (more is null)
            {
                next = null;
                break;
            }

            cursor = more;
        }

        return new OkObjectResult(new { items, continuationToken = next?.Encode() });
    }

    /// <summary>
    /// <c>POST /api/uploads/{id}/stop</c>: suspends a running upload and cancels its parts in flight. Answered once the
    /// running part batches have had time to see the stop request, so no part is stored after the answer.
    /// </summary>
    [Function("StopUpload")]
    public Task<IActionResult> Stop([HttpTrigger(AuthorizationLevel.Function, "post", Route = "uploads/{id}/stop")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        ChangeAsync(request, id, client, [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], "stop",
            async (i, job, ct) =>
            {
                // Suspended first: a stop request may then only outlive a suspended upload, never a running one (which
                // would run its stopped step again and again).
                await client.SuspendInstanceAsync(i.InstanceId, "Stopped through the API.", ct);
                await engine.Checkpoints.RequestStopAsync(UploadStarter.CheckpointKey(job), ct);
                await Task.Delay(2 * UploadEngine.StopPollInterval + StopSettle, ct);
            });

    /// <summary><c>POST /api/uploads/{id}/resume</c>: resumes a stopped upload.</summary>
    [Function("ResumeUpload")]
    public Task<IActionResult> Resume([HttpTrigger(AuthorizationLevel.Function, "post", Route = "uploads/{id}/resume")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        ChangeAsync(request, id, client, [OrchestrationRuntimeStatus.Suspended], "resume",
            async (i, job, ct) =>
            {
                await engine.Checkpoints.ClearStopAsync(UploadStarter.CheckpointKey(job), ct);
                await client.ResumeInstanceAsync(i.InstanceId, "Resumed through the API.", ct);
            });

    /// <summary>
    /// <c>POST /api/uploads/{id}/cancel</c>: stops the parts in flight, terminates the orchestration, aborts the
    /// multipart upload, deletes the VOD media the upload created (unless <c>Vod:KeepMediaOnCancel</c>) and removes the
    /// checkpoint.
    /// </summary>
    [Function("CancelUpload")]
    public Task<IActionResult> Cancel([HttpTrigger(AuthorizationLevel.Function, "post", Route = "uploads/{id}/cancel")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        ChangeAsync(request, id, client, [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended, OrchestrationRuntimeStatus.Failed], "cancel",
            async (i, job, ct) =>
            {
                if (job.Mode == Vod.Upload.Pull.TransferMode.Pull)
                {
                    // Polling stops with the orchestration; the media VOD created goes. A job still queued in VOD
                    // cannot be cancelled there (VOD has no such call): it may still create a media later.
                    if (i.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
                    {
                        await client.TerminateInstanceAsync(i.InstanceId, new TerminateInstanceOptions { Output = "Cancelled through the API.", Recursive = true }, ct);
                    }

                    await CancelPullAsync(job, ct);
                    return;
                }

                var key = UploadStarter.CheckpointKey(job);
                if (i.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
                {
                    await engine.Checkpoints.RequestStopAsync(key, ct);
                    await client.TerminateInstanceAsync(i.InstanceId, new TerminateInstanceOptions { Output = "Cancelled through the API.", Recursive = true }, ct);
                    await Task.Delay(2 * UploadEngine.StopPollInterval + StopSettle, ct);
                }

                await engine.CancelAsync(key, options.Value.KeepMediaOnCancel, ct);
            });

    /// <summary><c>POST /api/uploads/{id}/retry</c>: runs a failed or cancelled upload again; it resumes from its checkpoint and media when they still exist.</summary>
    [Function("RetryUpload")]
    public Task<IActionResult> Retry([HttpTrigger(AuthorizationLevel.Function, "post", Route = "uploads/{id}/retry")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        ChangeAsync(request, id, client, [OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated], "retry",
            async (i, job, ct) =>
            {
                await client.PurgeInstanceAsync(i.InstanceId, new PurgeInstanceOptions { Recursive = true }, ct);
                await starter.StartAsync(client, job, ct);
            });

    /// <summary>
    /// <c>DELETE /api/uploads/{id}</c>: forgets a finished upload — purges its history and removes its checkpoint,
    /// aborting the multipart upload a failed or cancelled run left on OSS (so no parts are left to cost money) and
    /// deleting the media it left unfinished (unless <c>Vod:KeepMediaOnCancel</c>). Refused while it runs.
    /// </summary>
    [Function("DeleteUpload")]
    public Task<IActionResult> Delete([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "uploads/{id}")] HttpRequest request, string id, [DurableClient] DurableTaskClient client) =>
        ChangeAsync(request, id, client, [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated], "delete",
            async (i, job, ct) =>
            {
                if (job.Mode == Vod.Upload.Pull.TransferMode.Pull && i.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
                {
                    // A finished pull's media is the result, whatever record its clean-up may have left: only the record goes.
                    await pull.CleanUpAsync(PullActivities.CheckpointKey(job), job.TraceParent, ct);
                }
                else if (job.Mode == Vod.Upload.Pull.TransferMode.Pull)
                {
                    await CancelPullAsync(job, ct);
                }
                else
                {
                    await engine.CancelAsync(UploadStarter.CheckpointKey(job), options.Value.KeepMediaOnCancel, ct);
                }

                await client.PurgeInstanceAsync(i.InstanceId, new PurgeInstanceOptions { Recursive = true }, ct);
            }, noContent: true);

    // A pull's cancel: its media is deleted unless Vod:KeepMediaOnCancel; its checkpoint goes either way.
    private async Task CancelPullAsync(UploadJob job, CancellationToken cancellationToken)
    {
        var cancelled = await pull.CancelAsync(PullActivities.CheckpointKey(job), options.Value.KeepMediaOnCancel, job.TraceParent, cancellationToken);
        LogPullCancelled(logger, job.UploadId, cancelled.MediaId, cancelled.MediaDeleted, cancelled.JobMayStillRun);
    }

    [LoggerMessage(EventId = 2604, Level = LogLevel.Information, Message = "Pull upload {UploadId} cancelled: media {MediaId} deleted: {MediaDeleted}; the VOD job may still run: {JobMayStillRun}")]
    private static partial void LogPullCancelled(ILogger logger, string uploadId, string? mediaId, bool mediaDeleted, bool jobMayStillRun);

    // What the stop's answer waits beyond two polls: a part's request cancelled on the client side has reached OSS or not by then.
    private static readonly TimeSpan StopSettle = TimeSpan.FromMilliseconds(500);

    private static async Task<IActionResult> ChangeAsync(HttpRequest request, string id, DurableTaskClient client, OrchestrationRuntimeStatus[] allowed, string action,
        Func<OrchestrationMetadata, UploadJob, CancellationToken, Task> change, bool noContent = false)
    {
        var instance = UploadIds.IsUploadId(id) ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, request.HttpContext.RequestAborted) : null;
        if (instance is null)
        {
            return Problems.NotFound($"No upload '{id}'.");
        }

        if (!allowed.Contains(instance.RuntimeStatus))
        {
            return Problems.Create(StatusCodes.Status409Conflict, "InvalidState", $"The upload cannot {action} now.",
                $"Upload {id} is {instance.RuntimeStatus}; {action} needs {string.Join(" or ", allowed)}.", StatusUrl(request, id));
        }

        if (instance.ReadInputAs<UploadJob>() is not { } job)
        {
            return Problems.NotFound($"No upload '{id}'.");
        }

        try
        {
            await change(instance, job, request.HttpContext.RequestAborted);
        }
        catch (UploadException ex)
        {
            // VOD or OSS would not do their part of the clean-up now (throttled, down): the caller can ask again.
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ex.Code, $"The upload could not {action} now.", ex.Message, StatusUrl(request, id));
        }
        catch (RequestFailedException ex)
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "StorageUnavailable", $"The upload could not {action} now.",
                $"Azure Storage answered {ex.Status} {ex.ErrorCode}; ask again.", StatusUrl(request, id));
        }

        return noContent ? new NoContentResult() : new AcceptedResult(StatusUrl(request, id), new { id, action });
    }

    private static string StatusUrl(HttpRequest request, string id) => $"{request.Scheme}://{request.Host}/api/uploads/{id}";
}
