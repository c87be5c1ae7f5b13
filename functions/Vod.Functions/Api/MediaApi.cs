using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Vod.Functions.Records;

namespace Vod.Functions.Api;

/// <summary>The media records (function key): one video, one image, or a filtered page.</summary>
public sealed class MediaApi(MediaRecordStore records)
{
    /// <summary><c>GET /api/media/videos/{videoId}</c>.</summary>
    [Function("GetVideoRecord")]
    public Task<IActionResult> GetVideo([HttpTrigger(AuthorizationLevel.Function, "get", Route = "media/videos/{videoId}")] HttpRequest request, string videoId) =>
        GetAsync(request, "video", videoId);

    /// <summary><c>GET /api/media/images/{imageId}</c>.</summary>
    [Function("GetImageRecord")]
    public Task<IActionResult> GetImage([HttpTrigger(AuthorizationLevel.Function, "get", Route = "media/images/{imageId}")] HttpRequest request, string imageId) =>
        GetAsync(request, "image", imageId);

    /// <summary><c>GET /api/media?kind=video|image|attached&amp;status=Normal&amp;pageSize=50&amp;continuationToken=…</c>.</summary>
    [Function("ListMedia")]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "media")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kind = request.Query["kind"].FirstOrDefault();
        if (kind is not null && !RecordKinds.IsKnown(kind))
        {
            return Problems.Invalid("InvalidKind", "kind must be video, image or attached.");
        }

        var pageSizeText = request.Query["pageSize"].FirstOrDefault();
        var pageSize = 50;
        if (pageSizeText is not null && (!int.TryParse(pageSizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 500))
        {
            return Problems.Invalid("InvalidPageSize", "pageSize must be 1–500.");
        }

        var status = request.Query["status"].FirstOrDefault();
        if (status is not null && (status.Length is 0 or > 32 || !status.All(char.IsAsciiLetter)))
        {
            return Problems.Invalid("InvalidStatus", "status is a VOD status such as Uploading, Normal or TranscodeFail.");
        }

        try
        {
            var (items, next) = await records.QueryAsync(kind, status, pageSize, request.Query["continuationToken"].FirstOrDefault(), request.HttpContext.RequestAborted);
            return new OkObjectResult(new { items = items.Select(View), continuationToken = next });
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 400)
        {
            // Table Storage refuses a continuation token it did not hand out.
            return Problems.Invalid("InvalidContinuationToken", "continuationToken is not one this API returned.");
        }
    }

    private async Task<IActionResult> GetAsync(HttpRequest request, string kind, string id)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaIds.IsValid(id))
        {
            return Problems.Invalid("InvalidMediaId", "A media id is 1–64 letters, digits, '-' or '_'.");
        }

        var record = await records.GetAsync(kind, id, request.HttpContext.RequestAborted);
        return record is null ? Problems.NotFound($"No {kind} '{id}'.") : new OkObjectResult(View(record));
    }

    /// <summary>The API view of a record.</summary>
    public static object View(MediaRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new
        {
            id = record.RowKey,
            kind = record.PartitionKey,
            status = record.Status,
            confirmed = record.Confirmed,
            fileUrl = record.FileUrl,
            size = record.Size,
            title = record.Title,
            source = record.Source,
            uploadId = record.UploadId,
            transferMode = record.TransferMode,
            createdAt = record.CreatedAt,
            uploadedAt = record.UploadedAt,
            updatedAt = record.UpdatedAt,
            owner = record.Owner,
            confirmedAt = record.ConfirmedAt,
            history = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(record.HistoryJson),
        };
    }
}
