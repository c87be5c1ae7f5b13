using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Sts;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Functions.Identity;
using Vod.Functions.Records;

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
/// They hold credentials by design, so each request needs a function key (which app) and a caller identity (which user,
/// <see cref="ICallerIdentity"/>), is counted against the caller's limits (<see cref="CallerQuota"/>), and is never
/// logged. Media created here belong to their caller; only the caller may refresh them, only while they upload.
/// </summary>
public sealed partial class AppServerApi(VodClient vod, StsClient sts, MediaRecordStore records, MediaConfirmations confirmations, ICallerIdentity identity, CallerQuota quota,
    IOptions<VodFunctionsOptions> options, TimeProvider time, ILogger<AppServerApi> logger)
{
    /// <summary>Largest request body: 64 KB (the largest field, UserData, is a few KB at most).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Extend keys only the app sets: the receiver and the records rely on them being the app's word.</summary>
    public static IReadOnlySet<string> ReservedExtendKeys { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "uploadId", "source", "owner" };

    private static readonly JsonSerializerOptions Read = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Write = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary><c>POST /api/vod/upload-video-auth</c>: CreateUploadVideo → <c>{VideoId, UploadAddress, UploadAuth, RequestId}</c>.</summary>
    [Function("UploadVideoAuth")]
    public Task<IActionResult> UploadVideoAuth([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/upload-video-auth")] HttpRequest request) =>
        Handle(request, async (body, caller, cancellationToken) =>
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
            }, cancellationToken);
            await records.EnsureCreatedAsync(RecordKinds.Video, created.VideoId, body.Title ?? body.FileName, "browser", uploadId: null, caller.Id, cancellationToken);
            return Ok(new { created.VideoId, created.UploadAddress, created.UploadAuth, created.RequestId });
        });

    /// <summary>
    /// <c>POST /api/vod/refresh-upload-video-auth</c>: RefreshUploadVideo → the same shape, for a video this app created
    /// for the same caller that VOD still reports as uploading (a fresh credential can overwrite the object).
    /// </summary>
    [Function("RefreshUploadVideoAuth")]
    public Task<IActionResult> RefreshUploadVideoAuth([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/refresh-upload-video-auth")] HttpRequest request) =>
        Handle(request, async (body, caller, cancellationToken) =>
        {
            if (!MediaIds.IsValid(body.VideoId))
            {
                return InvalidVideoId();
            }

            // Another caller's video, one this app did not create, and one that does not exist look the same.
            var record = await records.GetAsync(RecordKinds.Video, body.VideoId!, cancellationToken);
            if (record is not { Source: "browser" } || record.Owner != caller.Id)
            {
                return Problems.NotFound($"No video '{body.VideoId}' of yours is uploading.");
            }

            var status = (await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = body.VideoId! }, cancellationToken)).Video.Status;
            if (status is not "Uploading")
            {
                return Problems.Create(StatusCodes.Status409Conflict, "NotUploading", "The video is no longer uploading; its object cannot be written again.", $"VOD reports it {status}.");
            }

            var refreshed = await vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = body.VideoId! }, cancellationToken);
            return Ok(new { refreshed.VideoId, refreshed.UploadAddress, refreshed.UploadAuth, refreshed.RequestId });
        });

    /// <summary><c>POST /api/vod/upload-image-auth</c>: CreateUploadImage → <c>{ImageId, ImageURL, FileURL, UploadAddress, UploadAuth, RequestId}</c>.</summary>
    [Function("UploadImageAuth")]
    public Task<IActionResult> UploadImageAuth([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/upload-image-auth")] HttpRequest request) =>
        Handle(request, async (body, caller, cancellationToken) =>
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
            }, cancellationToken);
            await records.EnsureCreatedAsync(RecordKinds.Image, created.ImageId, body.Title, "browser", uploadId: null, caller.Id, cancellationToken);
            return Ok(new { created.ImageId, created.ImageURL, created.FileURL, created.UploadAddress, created.UploadAuth, created.RequestId });
        });

    /// <summary>
    /// <c>POST /api/vod/claim-video</c> <c>{videoId}</c>: in STS mode the browser creates its video itself, so the app
    /// learns of it only when the page says so. The caller claims a video VOD knows, created within the last STS token
    /// lifetime, that nobody owns yet (first claim wins); the record is then the caller's, with VOD's facts.
    /// </summary>
    [Function("ClaimVideo")]
    public Task<IActionResult> ClaimVideo([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/claim-video")] HttpRequest request) =>
        Handle(request, async (body, caller, cancellationToken) =>
        {
            if (string.IsNullOrEmpty(options.Value.StsRoleArn))
            {
                return StsNotConfigured();
            }

            if (!MediaIds.IsValid(body.VideoId))
            {
                return InvalidVideoId();
            }

            var video = (await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = body.VideoId! }, cancellationToken)).Video;
            var created = DateTimeOffset.TryParse(video.CreationTime, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MinValue;
            var fresh = time.GetUtcNow() - created <= TimeSpan.FromSeconds(options.Value.StsDurationSeconds);
            if (!fresh || !await records.ClaimAsync(RecordKinds.Video, body.VideoId!, caller.Id, cancellationToken))
            {
                return Problems.NotFound($"No video '{body.VideoId}' you can claim: it belongs to someone, or was created too long ago.");
            }

            var confirmed = (await confirmations.ConfirmAsync(RecordKinds.Video, body.VideoId!)).Record;
            return Ok(new { VideoId = body.VideoId, Status = confirmed?.Status ?? video.Status });
        });

    /// <summary>
    /// <c>POST /api/vod/sts-token</c>: AssumeRole → <c>{SecurityTokenInfo: {AccessKeyId, AccessKeySecret, SecretToken, Expiration}}</c>,
    /// narrowed by <see cref="BrowserStsPolicy"/> to uploading, for <see cref="VodFunctionsOptions.StsDurationSeconds"/>.
    /// </summary>
    [Function("StsToken")]
    public Task<IActionResult> StsToken([HttpTrigger(AuthorizationLevel.Function, "post", Route = "vod/sts-token")] HttpRequest request) =>
        Handle(request, async (_, caller, cancellationToken) =>
        {
            var settings = options.Value;
            if (string.IsNullOrEmpty(settings.StsRoleArn))
            {
                return StsNotConfigured();
            }

            var role = await sts.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = settings.StsRoleArn,
                RoleSessionName = SessionName(caller),
                Duration = TimeSpan.FromSeconds(settings.StsDurationSeconds),
                Policy = BrowserStsPolicy.Document,
            }, cancellationToken);
            return Ok(new
            {
                SecurityTokenInfo = new
                {
                    role.Credentials.AccessKeyId,
                    role.Credentials.AccessKeySecret,
                    SecretToken = role.Credentials.SecurityToken,
                    Expiration = role.Credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                },
            });
        });

    // Audit logs (ActionTrail) show the session name: a hash of the caller, not the caller's id, which may be personal.
    private static string SessionName(Caller caller) =>
        "vod-browser-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(caller.Id)))[..16];

    /// <summary>Our callback URL and an Extend marking a browser upload, merged into the caller's UserData.</summary>
    /// <exception cref="AlibabaRequestValidationException">The caller's UserData is not a JSON object, or sets a reserved Extend key.</exception>
    private string UserData(string? callerUserData)
    {
        var extend = new Dictionary<string, string>();
        if (!string.IsNullOrEmpty(callerUserData))
        {
            using var document = ParseUserData(callerUserData);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AlibabaRequestValidationException("UserData", "UserData", "is not a JSON object.");
            }

            if (document.RootElement.TryGetProperty("Extend", out var given) && given.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in given.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    if (ReservedExtendKeys.Contains(property.Name))
                    {
                        throw new AlibabaRequestValidationException("UserData", "UserData", $"sets Extend.{property.Name}, which only the app sets.");
                    }

                    extend[property.Name] = property.Value.GetString()!;
                }
            }
        }

        extend["source"] = "browser";
        return new VodUserData { CallbackUrl = options.Value.CallbackPublicUrl, Extend = extend }.ToJson();
    }

    private static JsonDocument ParseUserData(string userData)
    {
        try
        {
            return JsonDocument.Parse(userData);
        }
        catch (JsonException)
        {
            throw new AlibabaRequestValidationException("UserData", "UserData", "is not valid JSON.");
        }
    }

    // Only a server without STS mode: the browser cannot fix it, and trying again will not help.
    private static ObjectResult StsNotConfigured() =>
        Problems.Create(StatusCodes.Status501NotImplemented, "StsNotConfigured", "This app hands out no STS tokens (Vod__StsRoleArn is not set).");

    private static ObjectResult InvalidVideoId() =>
        Problems.Invalid("InvalidVideoId", "videoId is a VOD video id (1–64 letters, digits, '-' or '_').");

    private static string[]? Split(string? tags) =>
        tags?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ContentResult Ok(object result) =>
        new() { StatusCode = 200, ContentType = "application/json", Content = JsonSerializer.Serialize(result, Write) };

    private async Task<IActionResult> Handle(HttpRequest request, Func<AppServerRequest, Caller, CancellationToken, Task<IActionResult>> call)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        try
        {
            return await HandleAuthenticatedAsync(request, call, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or CallerIdentityUnavailableException)
        {
            // Storage (records, quotas) or the identity provider is down, not the request: the page may try again.
            LogUnavailable(logger, ex.GetType().Name);
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "Credentials cannot be handed out now; try again shortly.");
        }
    }

    private async Task<IActionResult> HandleAuthenticatedAsync(HttpRequest request, Func<AppServerRequest, Caller, CancellationToken, Task<IActionResult>> call, CancellationToken cancellationToken)
    {
        if (await identity.AuthenticateAsync(request, cancellationToken) is not { } caller)
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, "Unauthenticated", "Sign in first: these endpoints hand out upload credentials to known callers only.");
        }

        var bytes = await RequestBody.ReadAsync(request, MaxBodyBytes);
        if (bytes is null)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "BodyTooLarge", "The body is larger than 64 KB.");
        }

        AppServerRequest body;
        try
        {
            body = bytes.Length == 0 ? new AppServerRequest() : JsonSerializer.Deserialize<AppServerRequest>(bytes, Read) ?? new AppServerRequest();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with invalid UTF-8.
            return Problems.Invalid("InvalidJson", "The body is not a UTF-8 JSON object of the documented fields.");
        }

        if (await quota.TryTakeAsync(caller, cancellationToken) is { } retryAfter)
        {
            request.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Create(StatusCodes.Status429TooManyRequests, "TooManyCredentialRequests", "Too many credential requests; try again later.",
                $"The limits are {options.Value.CredentialRequestsPerMinute} a minute and {options.Value.CredentialRequestsPerDay} a day.");
        }

        try
        {
            return await call(body, caller, cancellationToken);
        }
        catch (AlibabaRequestValidationException ex)
        {
            return Problems.Invalid("Invalid" + ex.Field, ex.Message);
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

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "AppServer request not served: {ErrorType}")]
    private static partial void LogUnavailable(ILogger logger, string errorType);
}
