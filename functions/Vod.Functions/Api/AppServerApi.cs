using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Functions.Api;

/// <summary>Body of the AppServer endpoints (camelCase, as front-end code sends it).</summary>
public sealed record AppServerRequest
{
    /// <summary>Title.</summary>
    public string? Title { get; init; }

    /// <summary>File name (video).</summary>
    public string? FileName { get; init; }

    /// <summary>Size in bytes.</summary>
    public long? FileSize { get; init; }

    /// <summary>Category id.</summary>
    public long? CateId { get; init; }

    /// <summary>Comma-separated tags.</summary>
    public string? Tags { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Template group.</summary>
    public string? TemplateGroupId { get; init; }

    /// <summary>Caller's UserData JSON; our callback URL and Extend are added to it.</summary>
    public string? UserData { get; init; }

    /// <summary>Video to refresh.</summary>
    public string? VideoId { get; init; }

    /// <summary>Image type.</summary>
    public string? ImageType { get; init; }

    /// <summary>Image extension.</summary>
    public string? ImageExt { get; init; }
}

/// <summary>
/// The AppServer the VOD upload SDK for JavaScript calls (createUrl, refreshUrl, stsUrl). Answers carry the exact
/// PascalCase shapes the SDK consumes (<c>setUploadAuthAndAddress</c>, <c>resumeUploadWithAuth</c>, <c>setSTSToken</c>).
/// They hold upload credentials by design, so they are function-key protected and never logged.
/// </summary>
public sealed class AppServerApi(VodClient vod, StsClient sts, Records.MediaRecordStore records, IOptions<VodFunctionsOptions> options)
{
    private static readonly JsonSerializerOptions Read = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Write = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary><c>POST /api/vod/upload-video-auth</c>: CreateUploadVideo → <c>{VideoId, UploadAddress, UploadAuth, RequestId}</c>.</summary>
    [Function("UploadVideoAuth")]
    public Task<IActionResult> UploadVideoAuth([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/upload-video-auth")] HttpRequest request) =>
        Handle(request, async body =>
        {
            var created = await vod.CreateUploadVideoAsync(new CreateUploadVideoRequest
            {
                Title = body.Title ?? Path.GetFileNameWithoutExtension(body.FileName ?? string.Empty),
                FileName = body.FileName ?? string.Empty,
                FileSize = body.FileSize,
                CateId = body.CateId,
                Tags = Split(body.Tags),
                Description = body.Description,
                TemplateGroupId = body.TemplateGroupId,
                UserData = UserData(body.UserData),
            }, request.HttpContext.RequestAborted);
            await records.EnsureCreatedAsync("video", created.VideoId, body.Title ?? body.FileName, "browser", null, request.HttpContext.RequestAborted);
            return new { created.VideoId, created.UploadAddress, created.UploadAuth, created.RequestId };
        });

    /// <summary><c>POST /api/vod/refresh-upload-video-auth</c>: RefreshUploadVideo → the same shape.</summary>
    [Function("RefreshUploadVideoAuth")]
    public Task<IActionResult> RefreshUploadVideoAuth([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/refresh-upload-video-auth")] HttpRequest request) =>
        Handle(request, async body =>
        {
            var refreshed = await vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = body.VideoId ?? string.Empty }, request.HttpContext.RequestAborted);
            return new { refreshed.VideoId, refreshed.UploadAddress, refreshed.UploadAuth, refreshed.RequestId };
        });

    /// <summary><c>POST /api/vod/upload-image-auth</c>: CreateUploadImage → <c>{ImageId, ImageURL, FileURL, UploadAddress, UploadAuth, RequestId}</c>.</summary>
    [Function("UploadImageAuth")]
    public Task<IActionResult> UploadImageAuth([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/upload-image-auth")] HttpRequest request) =>
        Handle(request, async body =>
        {
            var created = await vod.CreateUploadImageAsync(new CreateUploadImageRequest
            {
                ImageType = body.ImageType ?? "default",
                ImageExt = body.ImageExt,
                Title = body.Title,
                Tags = Split(body.Tags),
                CateId = body.CateId,
                Description = body.Description,
                UserData = UserData(body.UserData),
            }, request.HttpContext.RequestAborted);
            await records.EnsureCreatedAsync("image", created.ImageId, body.Title, "browser", null, request.HttpContext.RequestAborted);
            return new { created.ImageId, created.ImageURL, created.FileURL, created.UploadAddress, created.UploadAuth, created.RequestId };
        });

    /// <summary><c>POST /api/vod/sts-token</c>: AssumeRole → <c>{SecurityTokenInfo: {AccessKeyId, AccessKeySecret, SecretToken, Expiration}}</c>.</summary>
    [Function("StsToken")]
    public Task<IActionResult> StsToken([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/sts-token")] HttpRequest request) =>
        Handle(request, async _ =>
        {
            var settings = options.Value;
            if (string.IsNullOrEmpty(settings.StsRoleArn))
            {
                throw new AlibabaRequestValidationException("AssumeRole", "StsRoleArn", "is not configured (Vod__StsRoleArn).");
            }

            var role = await sts.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = settings.StsRoleArn,
                RoleSessionName = "vod-browser-" + Guid.NewGuid().ToString("N")[..12],
                Duration = TimeSpan.FromSeconds(settings.StsDurationSeconds),
            }, request.HttpContext.RequestAborted);
            return new
            {
                SecurityTokenInfo = new
                {
                    role.Credentials.AccessKeyId,
                    role.Credentials.AccessKeySecret,
                    SecretToken = role.Credentials.SecurityToken,
                    Expiration = role.Credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                },
            };
        });

    /// <summary>Our callback URL and an Extend marking a browser upload, merged into the caller's UserData.</summary>
    private string UserData(string? callerUserData)
    {
        var extend = new Dictionary<string, string> { ["source"] = "browser" };
        if (!string.IsNullOrEmpty(callerUserData))
        {
            using var document = JsonDocument.Parse(callerUserData);
            if (document.RootElement.TryGetProperty("Extend", out var given) && given.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in given.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    extend.TryAdd(property.Name, property.Value.GetString()!);
                }
            }
        }

        return new VodUserData { CallbackUrl = options.Value.CallbackPublicUrl, Extend = extend }.ToJson();
    }

    private static string[]? Split(string? tags) =>
        tags?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<IActionResult> Handle(HttpRequest request, Func<AppServerRequest, Task<object>> call)
    {
        AppServerRequest body;
        try
        {
            body = request.ContentLength is 0 ? new AppServerRequest()
                : await JsonSerializer.DeserializeAsync<AppServerRequest>(request.Body, Read, request.HttpContext.RequestAborted) ?? new AppServerRequest();
        }
        catch (JsonException ex)
        {
            return Problems.Invalid("InvalidJson", "The body is not valid JSON: " + ex.Message);
        }

        try
        {
            var result = await call(body);
            return new ContentResult { StatusCode = 200, ContentType = "application/json", Content = JsonSerializer.Serialize(result, Write) };
        }
        catch (AlibabaRequestValidationException ex)
        {
            return Problems.Invalid("Invalid" + ex.Field, ex.Message);
        }
        catch (JsonException)
        {
            return Problems.Invalid("InvalidUserData", "userData is not a JSON object.");
        }
        catch (AlibabaCloudException ex)
        {
            var status = ex.Kind switch
            {
                AlibabaErrorKind.MediaGone => StatusCodes.Status404NotFound,
                AlibabaErrorKind.Retryable => StatusCodes.Status503ServiceUnavailable,
                _ => ex.StatusCode is >= 400 and < 500 ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway,
            };
            return Problems.Create(status, ex.Code, "VOD refused the request.", ex.ServiceMessage);
        }
    }
}
