using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Emulator.Oss;
using Vod.Emulator.State;

namespace Vod.Emulator.VodApi;

/// <summary>The VOD (2017-03-21) and STS (2015-04-01) operations the product uses, over the emulator's state.</summary>
internal sealed class VodOperations(
    EmulatorState state,
    CredentialStore credentials,
    MediaLifecycle lifecycle,
    ObjectStorage storage,
    FaultSwitches faults,
    TimeProvider time,
    EmulatorOptions options)
{
    private static readonly HttpClient PullClient = new() { Timeout = TimeSpan.FromMinutes(30) };

    /// <summary>The OSS endpoint written into upload addresses.</summary>
    public Uri PublicEndpoint { get; set; } = options.PublicEndpoint ?? new Uri("http://127.0.0.1");

    /// <summary>The VOD-owned bucket media go to.</summary>
    public string Bucket => state.Bucket;

    public Dictionary<string, object?> Invoke(RpcRequest request) => request.Action switch
    {
        "CreateUploadVideo" => CreateUploadVideo(request),
        "RefreshUploadVideo" => RefreshUploadVideo(request),
        "CreateUploadImage" => CreateUploadImage(request),
        "CreateUploadAttachedMedia" => CreateUploadAttachedMedia(request),
        "GetVideoInfo" => GetVideoInfo(request),
        "GetImageInfo" => GetImageInfo(request),
        "GetMezzanineInfo" => GetMezzanineInfo(request),
        "GetAttachedMediaInfo" => GetAttachedMediaInfo(request),
        "DeleteVideo" => DeleteVideo(request),
        "DeleteImage" => DeleteImage(request),
        "UploadMediaByURL" => UploadMediaByUrl(request),
        "GetURLUploadInfos" => GetUrlUploadInfos(request),
        "AssumeRole" => AssumeRole(request),

        // Undocumented calls the browser upload SDK makes; VOD answers them, so the emulator does too.
        "ReportUploadProgress" or "GetUploadProgress" => [],
        "" => throw new RpcException(400, "MissingAction", "Action is mandatory for this request."),
        _ => throw new RpcException(404, "InvalidAction.NotFound", $"Specified api '{request.Action}' is not found, please check your url and method."),
    };

    private Dictionary<string, object?> CreateUploadVideo(RpcRequest request)
    {
        var typed = new CreateUploadVideoRequest
        {
            Title = request.Required("Title"),
            FileName = request.Required("FileName"),
            FileSize = request.Long("FileSize"),
            Description = request.Get("Description"),
            CoverUrl = request.Get("CoverURL"),
            CateId = request.Long("CateId"),
            Tags = SplitList(request.Get("Tags")),
            TemplateGroupId = request.Get("TemplateGroupId"),
            WorkflowId = request.Get("WorkflowId"),
            StorageLocation = request.Get("StorageLocation"),
            UserData = request.Get("UserData"),
            AppId = request.Get("AppId"),
        };
        Validate(typed);
        var id = NewMediaId();
        var extension = VodMediaRules.ExtensionOf(typed.FileName);
        var folder = $"sv/{id[..8]}-{id[8..19]}";
        var key = $"{folder}/{id[..8]}-{id[8..19]}.{extension}";
        var prefix = extension == "m3u8" ? folder + "/" : null;
        var (callbackUrl, extend) = ParseUserData(typed.UserData);
        var media = new MediaRecord
        {
            Id = id,
            Kind = "video",
            Title = typed.Title,
            FileName = typed.FileName,
            Bucket = Bucket,
            Key = key,
            CreationTime = time.GetUtcNow(),
            Size = typed.FileSize,
            CateId = typed.CateId,
            Tags = request.Get("Tags"),
            Description = typed.Description,
            TemplateGroupId = typed.TemplateGroupId,
            StorageLocation = StorageLocation(),
            AppId = typed.AppId ?? "app-1000000",
            CallbackUrl = callbackUrl,
            Extend = extend,
        };
        lock (state.Sync)
        {
            state.Media[id] = media;
        }

        return UploadAnswer(media, prefix, ("VideoId", id));
    }

    private Dictionary<string, object?> RefreshUploadVideo(RpcRequest request)
    {
        var media = FindMedia(request.Required("VideoId"), "video") ?? throw new RpcException(404, "InvalidVideo.NotFound", "The video not exist.");
        var prefix = media.Key.EndsWith(".m3u8", StringComparison.OrdinalIgnoreCase) ? media.Key[..(media.Key.LastIndexOf('/') + 1)] : null;
        return UploadAnswer(media, prefix, ("VideoId", media.Id));
    }

    private Dictionary<string, object?> CreateUploadImage(RpcRequest request)
    {
        var typed = new CreateUploadImageRequest
        {
            ImageType = request.Required("ImageType"),
            ImageExt = request.Get("ImageExt"),
            Title = request.Get("Title"),
            Tags = SplitList(request.Get("Tags")),
            StorageLocation = request.Get("StorageLocation"),
            CateId = request.Long("CateId"),
            UserData = request.Get("UserData"),
            Description = request.Get("Description"),
            AppId = request.Get("AppId"),
        };
        Validate(typed);
        var id = NewMediaId();
        var extension = (typed.ImageExt ?? "png").ToLowerInvariant();
        var key = $"image/{typed.ImageType}/{id.ToUpperInvariant()}.{extension}";
        var (callbackUrl, extend) = ParseUserData(typed.UserData);
        var media = new MediaRecord
        {
            Id = id,
            Kind = "image",
            Title = typed.Title,
            Bucket = Bucket,
            Key = key,
            CreationTime = time.GetUtcNow(),
            CateId = typed.CateId,
            Tags = request.Get("Tags"),
            Description = typed.Description,
            StorageLocation = StorageLocation(),
            AppId = typed.AppId ?? "app-1000000",
            ImageType = typed.ImageType,
            CallbackUrl = callbackUrl,
            Extend = extend,
        };
        lock (state.Sync)
        {
            state.Media[id] = media;
        }

        var url = lifecycle.FileUrl(Bucket, key);
        return UploadAnswer(media, null, ("ImageId", id), ("ImageURL", url), ("FileURL", url));
    }

    private Dictionary<string, object?> CreateUploadAttachedMedia(RpcRequest request)
    {
        var typed = new CreateUploadAttachedMediaRequest
        {
            BusinessType = request.Required("BusinessType"),
            MediaExt = request.Get("MediaExt"),
            Title = request.Get("Title"),
            FileName = request.Get("FileName"),
            FileSize = request.Long("FileSize"),
            Tags = SplitList(request.Get("Tags")),
            StorageLocation = request.Get("StorageLocation"),
            Description = request.Get("Description"),
            UserData = request.Get("UserData"),
            CateIds = SplitList(request.Get("CateIds")),
            AppId = request.Get("AppId"),
        };
        Validate(typed);
        var id = NewMediaId();
        var extension = (typed.MediaExt ?? VodMediaRules.ExtensionOf(typed.FileName ?? string.Empty)) is { Length: > 0 } ext ? ext : "bin";
        var key = $"attached/{typed.BusinessType}/{id}.{extension}";
        var (callbackUrl, extend) = ParseUserData(typed.UserData);
        var media = new MediaRecord
        {
            Id = id,
            Kind = "attached",
            Title = typed.Title,
            FileName = typed.FileName,
            Bucket = Bucket,
            Key = key,
            CreationTime = time.GetUtcNow(),
            BusinessType = typed.BusinessType,
            StorageLocation = StorageLocation(),
            AppId = typed.AppId ?? "app-1000000",
            CallbackUrl = callbackUrl,
            Extend = extend,
        };
        lock (state.Sync)
        {
            state.Media[id] = media;
        }

        var url = lifecycle.FileUrl(Bucket, key);
        return UploadAnswer(media, null, ("MediaId", id), ("MediaURL", url), ("FileURL", url));
    }

    private Dictionary<string, object?> GetVideoInfo(RpcRequest request)
    {
        var media = FindMedia(request.Required("VideoId"), "video") ?? throw new RpcException(404, "InvalidVideo.NotFound", "The video does not exist.");
        lock (state.Sync)
        {
            return new()
            {
                ["Video"] = new Dictionary<string, object?>
                {
                    ["VideoId"] = media.Id,
                    ["Title"] = media.Title,
                    ["Description"] = media.Description,
                    ["Duration"] = media.Status == "Normal" ? 12.0 : null,
                    ["Status"] = media.Status,
                    ["CreationTime"] = Iso(media.CreationTime),
                    ["ModificationTime"] = media.ModificationTime is { } m ? Iso(m) : null,
                    ["Size"] = media.Size,
                    ["CateId"] = media.CateId,
                    ["Tags"] = media.Tags,
                    ["TemplateGroupId"] = media.TemplateGroupId,
                    ["StorageLocation"] = media.StorageLocation,
                    ["RegionId"] = options.Region,
                    ["AppId"] = media.AppId,
                },
            };
        }
    }

    private Dictionary<string, object?> GetImageInfo(RpcRequest request)
    {
        var media = FindMedia(request.Required("ImageId"), "image") ?? throw new RpcException(404, "InvalidImage.NotFound", "The image does not exist.");
        var url = lifecycle.FileUrl(media.Bucket, media.Key);
        lock (state.Sync)
        {
            return new()
            {
                ["ImageInfo"] = new Dictionary<string, object?>
                {
                    ["ImageId"] = media.Id,
                    ["Title"] = media.Title,
                    ["Status"] = media.Status,
                    ["ImageType"] = media.ImageType,
                    ["URL"] = url,
                    ["CreationTime"] = Iso(media.CreationTime),
                    ["StorageLocation"] = media.StorageLocation,
                    ["AppId"] = media.AppId,
                    ["Mezzanine"] = new Dictionary<string, object?> { ["FileURL"] = url, ["FileSize"] = media.Size, ["OriginalFileName"] = media.Key.Split('/')[^1] },
                },
            };
        }
    }

    private Dictionary<string, object?> GetMezzanineInfo(RpcRequest request)
    {
        var media = FindMedia(request.Required("VideoId"), "video") ?? throw new RpcException(404, "InvalidVideo.NotFound", "The video does not exist.");
        lock (state.Sync)
        {
            // VOD knows the source file once it has arrived; before that the mezzanine is still uploading.
            var stored = state.Objects.GetValueOrDefault(EmulatorState.ObjectId(media.Bucket, media.Key));
            return new()
            {
                ["Mezzanine"] = new Dictionary<string, object?>
                {
                    ["VideoId"] = media.Id,
                    ["FileURL"] = lifecycle.FileUrl(media.Bucket, media.Key),
                    ["FileName"] = media.FileName,
                    ["Size"] = stored?.Size,
                    ["Status"] = media.Completed ? "Normal" : "Uploading",
                    ["CRC64"] = stored?.Crc64.ToString(CultureInfo.InvariantCulture),
                    ["CreationTime"] = Iso(media.CreationTime),
                },
            };
        }
    }

    private Dictionary<string, object?> GetAttachedMediaInfo(RpcRequest request)
    {
        var ids = SplitList(request.Required("MediaIds")) ?? [];
        if (ids.Count > 20)
        {
            throw new RpcException(400, "InvalidParameter", "MediaIds holds more than 20 ids.");
        }

        var found = new List<Dictionary<string, object?>>();
        var missing = new List<string>();
        foreach (var id in ids)
        {
            if (FindMedia(id, "attached") is not { } media)
            {
                missing.Add(id);
                continue;
            }

            lock (state.Sync)
            {
                found.Add(new()
                {
                    ["MediaId"] = media.Id,
                    ["Title"] = media.Title,
                    ["BusinessType"] = media.BusinessType,
                    ["Status"] = media.Status,
                    ["URL"] = lifecycle.FileUrl(media.Bucket, media.Key),
                    ["FileSize"] = media.Size,
                    ["CreationTime"] = Iso(media.CreationTime),
                });
            }
        }

        return new() { ["AttachedMediaList"] = found, ["NonExistMediaIds"] = missing };
    }

    private Dictionary<string, object?> DeleteVideo(RpcRequest request)
    {
        var ids = SplitList(request.Required("VideoIds")) ?? [];
        if (ids.Count > DeleteVideoRequest.MaxVideoIds)
        {
            throw new RpcException(400, "InvalidParameter", "VideoIds may name at most 20 videos.");
        }

        var missing = new List<string>();
        foreach (var id in ids)
        {
            MediaRecord? media;
            StoredObject? stored = null;
            lock (state.Sync)
            {
                media = state.Media.GetValueOrDefault(id);
                if (media is { Kind: "video" })
                {
                    state.Media.Remove(id);
                    var objectId = EmulatorState.ObjectId(media.Bucket, media.Key);
                    stored = state.Objects.GetValueOrDefault(objectId);
                    state.Objects.Remove(objectId);
                }
            }

            if (media is not { Kind: "video" })
            {
                missing.Add(id);
            }
            else if (stored is not null)
            {
                ObjectStorage.DeleteQuietly(stored.FilePath);
            }
        }

        return new() { ["NonExistVideoIds"] = missing, ["ForbiddenVideoIds"] = Array.Empty<string>() };
    }

    // Only DeleteImageType=ImageId, the form the product sends; ids that do not exist are ignored, as VOD does.
    private Dictionary<string, object?> DeleteImage(RpcRequest request)
    {
        if (request.Required("DeleteImageType") != "ImageId")
        {
            throw new RpcException(400, "InvalidParameter", "The emulator deletes images by ImageId only.");
        }

        var ids = SplitList(request.Required("ImageIds")) ?? [];
        if (ids.Count > DeleteImageRequest.MaxImageIds)
        {
            throw new RpcException(400, "InvalidParameter", "ImageIds may name at most 20 images.");
        }

        foreach (var id in ids)
        {
            StoredObject? stored = null;
            lock (state.Sync)
            {
                if (state.Media.GetValueOrDefault(id) is { Kind: "image" } media)
                {
                    state.Media.Remove(id);
                    var objectId = EmulatorState.ObjectId(media.Bucket, media.Key);
                    stored = state.Objects.GetValueOrDefault(objectId);
                    state.Objects.Remove(objectId);
                }
            }

            if (stored is not null)
            {
                ObjectStorage.DeleteQuietly(stored.FilePath);
            }
        }

        return [];
    }

    private Dictionary<string, object?> UploadMediaByUrl(RpcRequest request)
    {
        var urls = (SplitList(request.Required("UploadURLs")) ?? []).Select(Uri.UnescapeDataString).ToList();
        var metadatas = ParseMetadatas(request.Get("UploadMetadatas"));
        try
        {
            new UploadMediaByUrlRequest { UploadUrls = urls, UploadMetadatas = metadatas, UserData = request.Get("UserData") }.Validate();
        }
        catch (AlibabaRequestValidationException ex)
        {
            throw new RpcException(400, "InvalidParameter.UploadURLs", ex.Message);
        }

        var (callbackUrl, extend) = ParseUserData(request.Get("UserData"));
        var jobs = new List<Dictionary<string, object?>>();
        foreach (var url in urls)
        {
            var metadata = metadatas?.FirstOrDefault(m => m.SourceUrl == url);
            var job = new UrlJob
            {
                JobId = NewMediaId(), SourceUrl = url, CreationTime = time.GetUtcNow(), UserData = request.Get("UserData"),
                Title = metadata?.Title, FileExtension = metadata?.FileExtension, CallbackUrl = callbackUrl, Extend = extend,
            };
            lock (state.Sync)
            {
                state.UrlJobs[job.JobId] = job;
            }

            _ = Task.Run(() => PullAsync(job, metadata, callbackUrl, extend));
            jobs.Add(new() { ["JobId"] = job.JobId, ["SourceURL"] = url });
        }

        return new() { ["UploadJobs"] = jobs };
    }

    /// <summary>
    /// After a restart: pull jobs the stopped process had not finished run again from the queue (a media a download had
    /// started is dropped first); a job whose file was stored but whose callback was not yet sent is done.
    /// </summary>
    internal void ResumePulls()
    {
        List<UrlJob> unfinished;
        lock (state.Sync)
        {
            foreach (var stored in state.UrlJobs.Values.Where(j => j.Status == "UPLOAD_SUCCESS"))
            {
                stored.Status = "SUCCESS";
                stored.CompleteTime ??= time.GetUtcNow();
            }

            unfinished = [.. state.UrlJobs.Values.Where(j => j.Status is "PENDING" or "PROCESSING" or "DOWNLOADING" or "UPLOADING")];
            foreach (var job in unfinished)
            {
                if (job.MediaId is { } half)
                {
                    state.Media.Remove(half);
                    job.MediaId = null;
                }

                job.Status = "PENDING";
            }
        }

        foreach (var job in unfinished)
        {
            var metadata = job.Title is null ? null : new UrlUploadMetadata { SourceUrl = job.SourceUrl, Title = job.Title, FileExtension = job.FileExtension };
            _ = Task.Run(() => PullAsync(job, metadata, job.CallbackUrl, job.Extend));
        }
    }

    // What VOD does with a queued pull job: it waits in PENDING (the region's queue; a test can hold or slow it), starts
    // (PROCESSING), checks the URL (a SAS whose se= has passed is refused without a request, as the storage service would
    // refuse it), downloads it (DOWNLOADING), stores it (UPLOADING → UPLOAD_SUCCESS), sends the callback and ends in
    // SUCCESS. A download that fails ends in DOWNLOAD_FAIL, a store that fails in UPLOAD_FAIL, each with a code and message.
    private async Task PullAsync(UrlJob job, UrlUploadMetadata? metadata, string? callbackUrl, string? extend)
    {
        MediaRecord? media = null;
        try
        {
            if (faults.PullQueueDelay > TimeSpan.Zero)
            {
                await Task.Delay(faults.PullQueueDelay, time);
            }

            await faults.PullQueueGate.PassAsync(CancellationToken.None);
            SetStatus(job, "PROCESSING");
            if (faults.TakePullRefusal())
            {
                throw new PullFailure("DOWNLOAD_FAIL", "URLAccessDeniedError", "The source refused the download: 403 Forbidden (injected).");
            }

            if (SasExpiry(job.SourceUrl) is { } expiry && expiry <= time.GetUtcNow())
            {
                throw new PullFailure("DOWNLOAD_FAIL", "URLExpiredError", $"The URL expired at {Iso(expiry)} before the download started.");
            }

            SetStatus(job, "DOWNLOADING");
            using var response = await PullClient.GetAsync(job.SourceUrl, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var code = status is 401 or 403 ? "URLAccessDeniedError" : "URLInvalidError";
                throw new PullFailure("DOWNLOAD_FAIL", code, $"The source answered {status} {response.ReasonPhrase}.");
            }

            var extension = metadata?.FileExtension ?? VodMediaRules.ExtensionOf(new Uri(job.SourceUrl).AbsolutePath);
            var id = NewMediaId();
            var key = $"sv/{id[..8]}-{id[8..19]}/{id[..8]}-{id[8..19]}.{(extension.Length > 0 ? extension : "mp4")}";
            media = new MediaRecord
            {
                Id = id,
                Kind = "video",
                Title = metadata?.Title ?? Path.GetFileNameWithoutExtension(new Uri(job.SourceUrl).AbsolutePath),
                Bucket = Bucket,
                Key = key,
                CreationTime = time.GetUtcNow(),
                StorageLocation = StorageLocation(),
                AppId = "app-1000000",
                CallbackUrl = callbackUrl,
                Extend = extend,
            };
            lock (state.Sync)
            {
                state.Media[id] = media;
                job.MediaId = id;
            }

            await using var body = await response.Content.ReadAsStreamAsync();
            var written = await storage.ReceiveAsync(body, _ => { }, corrupt: false, CancellationToken.None);
            if (response.Content.Headers.ContentLength is { } length && length != written.Size)
            {
                ObjectStorage.DeleteQuietly(written.FilePath);
                throw new PullFailure("DOWNLOAD_FAIL", "URLInvalidError", $"The download ended after {written.Size} of {length} bytes.");
            }

            SetStatus(job, "UPLOADING");
            if (faults.TakePullFailure())
            {
                ObjectStorage.DeleteQuietly(written.FilePath);
                throw new PullFailure("UPLOAD_FAIL", "InternalError", "The file could not be stored (injected).");
            }

            var stored = new StoredObject
            {
                Bucket = Bucket,
                Key = key,
                FilePath = storage.ObjectPath(Bucket, key),
                Size = written.Size,
                ETag = "\"" + Convert.ToHexString(written.Md5) + "\"",
                Crc64 = written.Crc64,
                ObjectType = "Normal",
                LastModified = time.GetUtcNow(),
            };
            lock (state.Sync)
            {
                ObjectStorage.Place(written, stored.FilePath);
                state.Objects[EmulatorState.ObjectId(Bucket, key)] = stored;
                job.FileSize = written.Size;
                job.Status = "UPLOAD_SUCCESS";
            }

            lifecycle.EmitUrlUploadComplete(media, job, callbackUrl, extend, faults.PullCallbackName.ToString());
            lock (state.Sync)
            {
                job.Status = "SUCCESS";
                job.CompleteTime = time.GetUtcNow();
            }

            state.MarkChanged();
            await lifecycle.OnObjectCompletedAsync(stored);
        }
        catch (Exception ex) when (ex is PullFailure or HttpRequestException or IOException or TaskCanceledException or UriFormatException)
        {
            var failure = ex as PullFailure ?? new PullFailure("DOWNLOAD_FAIL", "URLInvalidError", "The URL could not be downloaded: " + ex.Message);
            lock (state.Sync)
            {
                job.Status = failure.Status;
                job.ErrorCode = failure.Code;
                job.ErrorMessage = failure.Message;
                job.CompleteTime = time.GetUtcNow();
                if (media is not null)
                {
                    media.Status = "UploadFail";
                }
            }

            lifecycle.EmitUrlUploadComplete(media, job, callbackUrl, extend, faults.PullCallbackName.ToString());
        }
    }

    // The se= (signed expiry) of an Azure SAS URL, when the URL is one.
    private static DateTimeOffset? SasExpiry(string url)
    {
        var query = new Uri(url).Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0 && pair[..separator] == "se"
                && DateTimeOffset.TryParse(Uri.UnescapeDataString(pair[(separator + 1)..]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry))
            {
                return expiry;
            }
        }

        return null;
    }

    private sealed class PullFailure(string status, string code, string message) : Exception(message)
    {
        public string Status { get; } = status;

        public string Code { get; } = code;
    }

    private Dictionary<string, object?> GetUrlUploadInfos(RpcRequest request)
    {
        var jobIds = SplitList(request.Get("JobIds"));
        var urls = SplitList(request.Get("UploadURLs"))?.Select(Uri.UnescapeDataString).ToList();
        if (jobIds is null && urls is null)
        {
            throw new RpcException(400, "MissingJobIds", "JobIds or UploadURLs is mandatory for this action.");
        }

        var found = new List<Dictionary<string, object?>>();
        var missing = new List<string>();
        lock (state.Sync)
        {
            foreach (var wanted in jobIds ?? urls!)
            {
                var job = jobIds is not null ? state.UrlJobs.GetValueOrDefault(wanted) : state.UrlJobs.Values.FirstOrDefault(j => j.SourceUrl == wanted);
                if (job is null)
                {
                    missing.Add(wanted);
                    continue;
                }

                found.Add(new()
                {
                    ["JobId"] = job.JobId,
                    ["UploadURL"] = job.SourceUrl,
                    ["MediaId"] = job.MediaId,
                    ["Status"] = job.Status,
                    ["CreationTime"] = Iso(job.CreationTime),
                    ["CompleteTime"] = job.CompleteTime is { } c ? Iso(c) : null,
                    ["FileSize"] = job.FileSize?.ToString(CultureInfo.InvariantCulture),
                    ["UserData"] = job.UserData,
                    ["ErrorCode"] = job.ErrorCode,
                    ["ErrorMessage"] = job.ErrorMessage,
                });
            }
        }

        return new() { ["URLUploadInfoList"] = found, ["NonExists"] = missing };
    }

    private Dictionary<string, object?> AssumeRole(RpcRequest request)
    {
        var arn = request.Required("RoleArn");
        var session = request.Required("RoleSessionName");
        var seconds = request.Long("DurationSeconds") ?? 3600;
        if (seconds is < 900 or > 43200)
        {
            throw new RpcException(400, "InvalidParameter.DurationSeconds", "The DurationSeconds must be between 900 and 43200.");
        }

        var lifetime = TimeSpan.FromSeconds(Math.Min(seconds, credentials.Lifetime.TotalSeconds));
        var issued = credentials.Issue(bucket: null, key: null, keyPrefix: null, mayCallVod: true, lifetime, AllowedActions(request.Get("Policy")));
        return new()
        {
            ["AssumedRoleUser"] = new Dictionary<string, object?> { ["Arn"] = arn + "/" + session, ["AssumedRoleId"] = "3" + NewMediaId()[..16] + ":" + session },
            ["Credentials"] = new Dictionary<string, object?>
            {
                ["SecurityToken"] = issued.SecurityToken,
                ["AccessKeyId"] = issued.AccessKeyId,
                ["AccessKeySecret"] = issued.AccessKeySecret,
                ["Expiration"] = Iso(issued.ExpiresAt),
            },
        };
    }

    /// <summary>
    /// The actions an AssumeRole inline policy allows: the Action lists of its Allow statements (wildcards are not
    /// expanded; Deny statements are not modelled). Null when there is no policy.
    /// </summary>
    private static HashSet<string>? AllowedActions(string? policy)
    {
        if (policy is null)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(policy);
            var allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var statement in document.RootElement.GetProperty("Statement").EnumerateArray())
            {
                if (statement.GetProperty("Effect").GetString() != "Allow")
                {
                    continue;
                }

                var actions = statement.GetProperty("Action");
                foreach (var action in actions.ValueKind == System.Text.Json.JsonValueKind.Array ? [.. actions.EnumerateArray()] : new[] { actions })
                {
                    allowed.Add(action.GetString() ?? string.Empty);
                }
            }

            return allowed;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new RpcException(400, "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check.");
        }
    }

    /// <summary>The address and a fresh credential scoped to the media's object (or its M3U8 folder).</summary>
    private Dictionary<string, object?> UploadAnswer(MediaRecord media, string? prefix, params (string Name, object? Value)[] fields)
    {
        var issued = credentials.Issue(media.Bucket, media.Key, prefix, mayCallVod: false);
        var auth = new UploadAuth(issued.AccessKeyId, issued.AccessKeySecret, issued.SecurityToken,
            ((long)credentials.Lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture), issued.ExpiresAt, options.Region);
        var address = new UploadAddress(PublicEndpoint, media.Bucket, media.Key, prefix);
        var answer = fields.ToDictionary(f => f.Name, f => f.Value);
        answer["UploadAddress"] = address.Encode();
        answer["UploadAuth"] = auth.Encode();
        return answer;
    }

    private static void Validate(VodRequest request)
    {
        try
        {
            request.Validate();
        }
        catch (AlibabaRequestValidationException ex)
        {
            var code = ex.Field switch
            {
                "FileName" => "InvalidFileName.Extension",
                "Tags" when ex.Problem.Contains("limit", StringComparison.Ordinal) && ex.Problem.Contains("tags", StringComparison.Ordinal) => "TagsExceededMax",
                "Title" or "Description" or "Tags" when ex.Problem.Contains("emoji", StringComparison.Ordinal) => "IllegalCharacters",
                "Title" or "Description" or "Tags" => "LengthExceededMax",
                _ => "InvalidParameter",
            };
            throw new RpcException(400, code, ex.Message);
        }
    }

    private static (string? CallbackUrl, string? Extend) ParseUserData(string? userData)
    {
        if (string.IsNullOrEmpty(userData))
        {
            return (null, null);
        }

        using var document = JsonDocument.Parse(userData);
        var root = document.RootElement;
        string? url = null;
        if (root.TryGetProperty("MessageCallback", out var callback) && callback.ValueKind == JsonValueKind.Object
            && callback.TryGetProperty("CallbackURL", out var urlElement) && urlElement.ValueKind == JsonValueKind.String)
        {
            url = urlElement.GetString();
        }

        string? extend = null;
        if (root.TryGetProperty("Extend", out var extendElement))
        {
            extend = extendElement.ValueKind == JsonValueKind.String ? extendElement.GetString() : extendElement.GetRawText();
        }

        return (url, extend);
    }

    private static List<UrlUploadMetadata>? ParseMetadatas(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<List<UrlUploadMetadata>>(json);
        }
        catch (JsonException)
        {
            throw new RpcException(400, "InvalidParameter.UploadMetadatas", "UploadMetadatas is not a JSON array of metadata objects.");
        }
    }

    private MediaRecord? FindMedia(string id, string kind)
    {
        lock (state.Sync)
        {
            return state.Media.TryGetValue(id, out var media) && media.Kind == kind ? media : null;
        }
    }

    private void SetStatus(UrlJob job, string status)
    {
        lock (state.Sync)
        {
            job.Status = status;
        }
    }

    private string StorageLocation() => $"{Bucket}.oss-{options.Region}.aliyuncs.com";

    private static List<string>? SplitList(string? value) =>
        string.IsNullOrEmpty(value) ? null : value.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string NewMediaId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
