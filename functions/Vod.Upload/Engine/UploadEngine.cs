using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload.Checkpoints;
using Vod.Upload.Credentials;
using Vod.Upload.Sources;

namespace Vod.Upload.Engine;

/// <summary>
/// Moves a source into VOD. The steps — plan, create-or-refresh, initiate-or-resume, upload a batch of parts,
/// complete-and-verify, abort — are each idempotent and exchange only small serializable values, so a durable host
/// can run them as activities; <see cref="UploadAsync"/> runs them all in one process (the CLI).
/// </summary>
public sealed class UploadEngine
{
    private const int MaxUploadRestarts = 2;
    private static readonly ResiliencePropertyKey<int> PartKey = new("vod.part");

    private readonly VodClient _vod;
    private readonly OssClient _oss;
    private readonly ICheckpointStore _checkpoints;
    private readonly IUploadSourceResolver _sources;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, UploadCredentialProvider> _credentials = new(StringComparer.Ordinal);

    /// <summary>Creates an engine.</summary>
    /// <param name="vod">VOD API client (account credentials).</param>
    /// <param name="oss">OSS client; <see cref="OssAddressingStyle.Automatic"/> addressing suits both Alibaba and the emulator.</param>
    /// <param name="checkpoints">Where checkpoints live.</param>
    /// <param name="sources">Opens sources.</param>
    /// <param name="timeProvider">Clock; the system clock when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    public UploadEngine(VodClient vod, OssClient oss, ICheckpointStore checkpoints, IUploadSourceResolver sources, TimeProvider? timeProvider = null, ILogger<UploadEngine>? logger = null)
    {
        _vod = vod ?? throw new ArgumentNullException(nameof(vod));
        _oss = oss ?? throw new ArgumentNullException(nameof(oss));
        _checkpoints = checkpoints ?? throw new ArgumentNullException(nameof(checkpoints));
        _sources = sources ?? throw new ArgumentNullException(nameof(sources));
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The checkpoint store.</summary>
    public ICheckpointStore Checkpoints => _checkpoints;

    /// <summary>Runs every step in this process: the CLI's upload. Resumes from a checkpoint when there is one.</summary>
    public async Task<UploadResult> UploadAsync(UploadRequest request, IUploadObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        observer ??= NullUploadObserver.Instance;
        try
        {
            var plan = await PlanAsync(request, cancellationToken).ConfigureAwait(false);
            var session = await CreateOrRefreshAsync(plan, request.Metadata, request.Options, observer, cancellationToken).ConfigureAwait(false);
            for (var restart = 0; ; restart++)
            {
                try
                {
                    await InitiateOrResumeAsync(session, cancellationToken).ConfigureAwait(false);
                    await UploadPartsAsync(session, 1, plan.Parts.PartCount, request.Options, observer, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (UploadException ex) when (ex.Kind == UploadErrorKind.UploadGone && restart < MaxUploadRestarts)
                {
                    // The multipart upload vanished (aborted, expired); InitiateOrResume starts a new one.
                }
            }

            var result = await CompleteAsync(session, cancellationToken).ConfigureAwait(false);
            await _checkpoints.DeleteAsync(plan.CheckpointKey, cancellationToken).ConfigureAwait(false);
            _credentials.TryRemove(result.MediaId, out _);
            observer.OnSucceeded(result);
            return result;
        }
        catch (UploadException ex)
        {
            Log.UploadFailed(_logger, request.Source.Location, ex.Code, ex.Message);
            observer.OnFailed(ex.Code, ex.Message);
            throw;
        }
    }

    /// <summary>
    /// Step 1: opens the source, decides the media kind and the part plan (the checkpoint's, when one exists) and pins
    /// the source version.
    /// </summary>
    public async Task<UploadPlan> PlanAsync(UploadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            request.Options.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new UploadException(UploadErrorCodes.InvalidRequest, ex.Message, UploadErrorKind.Fatal, ex);
        }

        var kind = MediaKinds.FromFileName(request.Source.FileName);
        await using var source = await _sources.OpenAsync(request.Source, cancellationToken).ConfigureAwait(false);
        var key = UploadCheckpoint.KeyFor(source.Identity);
        var parts = PartPlan.For(source.Identity.Size, request.Options.PartSize, kind);
        var existing = await _checkpoints.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        if (existing?.Checkpoint is { PartCount: > 0 } checkpoint && !parts.SinglePut && checkpoint.PartSize != parts.PartSize)
        {
            // Parts already stored fix the part size of this upload.
            parts = PartPlan.For(source.Identity.Size, checkpoint.PartSize, kind);
        }

        return new UploadPlan(key, request.Source with { ETag = source.Identity.Version }, source.Identity, kind, parts);
    }

    /// <summary>
    /// Step 2: with a media id in the checkpoint, asks for new credentials (RefreshUploadVideo) — never creates twice;
    /// otherwise creates the media and records its id at once. <c>InvalidVideo.NotFound</c> discards the checkpoint.
    /// </summary>
    public async Task<UploadSession> CreateOrRefreshAsync(UploadPlan plan, MediaMetadata metadata, UploadOptions options, IUploadObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(options);
        observer ??= NullUploadObserver.Instance;
        var session = await CheckpointSession.LoadAsync(_checkpoints, plan.CheckpointKey, _time, cancellationToken).ConfigureAwait(false);
        var resumed = false;
        if (session?.Current is { MediaId: { } mediaId } existing)
        {
            if (existing.Kind == MediaKind.Video && !existing.Completed)
            {
                try
                {
                    var refreshed = await CallVodAsync(() => _vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = mediaId }, cancellationToken)).ConfigureAwait(false);
                    RememberCredentials(mediaId, refreshed.DecodeAuth(), options, observer);
                    var address = refreshed.DecodeAddress();
                    if (address.Bucket != existing.Bucket || address.FileName != existing.ObjectKey)
                    {
                        await session.UpdateAsync(c => ResetAddress(c, address), cancellationToken).ConfigureAwait(false);
                    }

                    resumed = true;
                }
                catch (UploadException ex) when (ex.Code == "InvalidVideo.NotFound")
                {
                    Log.CheckpointDiscarded(_logger, plan.CheckpointKey, "the video no longer exists in VOD");
                    await _checkpoints.DeleteAsync(plan.CheckpointKey, cancellationToken).ConfigureAwait(false);
                    session = null;
                }
            }
            else if (existing.Completed || (existing.Kind == MediaKind.Image && _credentials.ContainsKey(mediaId)))
            {
                resumed = true;
            }
            else
            {
                // An image's credential cannot be refreshed: a new image is created and the old id is abandoned.
                session = await CreateMediaAsync(plan, metadata, options, observer, session, cancellationToken).ConfigureAwait(false);
            }
        }

        if (session?.Current.MediaId is null)
        {
            session = await CreateMediaAsync(plan, metadata, options, observer, session, cancellationToken).ConfigureAwait(false);
        }

        var current = session.Current;
        var result = new UploadSession(plan, current.MediaId!, current.Endpoint!, current.Bucket!, current.ObjectKey!, resumed);
        Log.UploadStarted(_logger, plan.Source.Location, plan.Kind, result.MediaId, plan.Parts.TotalSize, plan.Parts.PartCount, resumed);
        observer.OnStarted(new UploadStarted(result.MediaId, plan.Kind, plan.Parts.TotalSize, plan.Parts.PartCount, resumed));
        return result;
    }

    /// <summary>
    /// Step 3: reconciles the checkpoint with ListParts (keeps parts the server has with the same ETag and size, adopts
    /// parts the server has that match the source, drops the rest), or starts a multipart upload. <c>NoSuchUpload</c>
    /// starts a new one on the same address.
    /// </summary>
    public async Task<MultipartState> InitiateOrResumeAsync(UploadSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var checkpoint = await RequireCheckpointAsync(session, cancellationToken).ConfigureAwait(false);
        if (session.Plan.Parts.SinglePut || checkpoint.Current.Completed)
        {
            return new MultipartState(null, checkpoint.Current.Parts.Count, checkpoint.Current.BytesDone);
        }

        var credentials = await CredentialsForAsync(checkpoint.Current, new UploadOptions(), NullUploadObserver.Instance, cancellationToken).ConfigureAwait(false);
        var target = Target(checkpoint.Current);
        if (checkpoint.Current.UploadId is { } uploadId)
        {
            IReadOnlyList<OssPart>? serverParts = null;
            try
            {
                serverParts = await WithCredentialAsync(credentials, c => _oss.ListAllPartsAsync(target, uploadId, c, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (UploadException ex) when (ex.Kind == UploadErrorKind.UploadGone)
            {
                Log.CheckpointDiscarded(_logger, session.Plan.CheckpointKey, $"multipart upload {uploadId} no longer exists; starting a new one");
            }

            if (serverParts is not null)
            {
                var adopted = await AdoptServerPartsAsync(session, checkpoint.Current, serverParts, cancellationToken).ConfigureAwait(false);
                var onServer = serverParts.ToDictionary(p => p.PartNumber);
                var kept = checkpoint.Current.Parts.Where(p => onServer.TryGetValue(p.Number, out var s) && s.Size == p.Size && SameETag(s.ETag, p.ETag)).ToList();
                var dropped = checkpoint.Current.Parts.Count - kept.Count;
                await checkpoint.UpdateAsync(c => c.Parts = [.. kept.Concat(adopted).DistinctBy(p => p.Number).OrderBy(p => p.Number)], cancellationToken).ConfigureAwait(false);
                Log.Reconciled(_logger, session.MediaId, uploadId, kept.Count, dropped, adopted.Count);
                return new MultipartState(uploadId, checkpoint.Current.Parts.Count, checkpoint.Current.BytesDone);
            }
        }

        var newUploadId = await WithCredentialAsync(credentials, c => _oss.InitiateMultipartUploadAsync(target, c, null, cancellationToken), cancellationToken).ConfigureAwait(false);
        await checkpoint.UpdateAsync(c =>
        {
            c.UploadId = newUploadId;
            c.Parts = [];
        }, cancellationToken).ConfigureAwait(false);
        Log.MultipartInitiated(_logger, newUploadId, session.MediaId);
        return new MultipartState(newUploadId, 0, 0);
    }

    /// <summary>
    /// Step 4: uploads parts <paramref name="firstPart"/>–<paramref name="lastPart"/> that the checkpoint does not have
    /// yet, <see cref="UploadOptions.Parallel"/> at a time, each read from the source into a pooled buffer, sent with
    /// Content-MD5, its CRC-64 checked against OSS's, retried with backoff when retryable, and recorded. A fatal error
    /// stops the other parts at once and leaves a resumable checkpoint.
    /// </summary>
    public async Task<PartBatchResult> UploadPartsAsync(UploadSession session, int firstPart, int lastPart, UploadOptions options, IUploadObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        observer ??= NullUploadObserver.Instance;
        var plan = session.Plan.Parts;
        if (firstPart < 1 || lastPart > plan.PartCount || firstPart > lastPart)
        {
            throw new ArgumentOutOfRangeException(nameof(firstPart), $"Parts {firstPart}–{lastPart} are outside 1–{plan.PartCount}.");
        }

        var checkpoint = await RequireCheckpointAsync(session, cancellationToken).ConfigureAwait(false);
        if (checkpoint.Current.Completed)
        {
            return new PartBatchResult(0, lastPart - firstPart + 1, 0, 0, 0, checkpoint.Current.MediaId!);
        }

        if (!plan.SinglePut && checkpoint.Current.UploadId is null)
        {
            throw new UploadException(UploadErrorCodes.CheckpointMissing, "The multipart upload was not started; run InitiateOrResume first.", UploadErrorKind.UploadGone);
        }

        var done = checkpoint.Current.Parts.Select(p => p.Number).ToHashSet();
        var pending = Enumerable.Range(firstPart, lastPart - firstPart + 1).Where(n => !done.Contains(n)).ToList();
        var skipped = lastPart - firstPart + 1 - pending.Count;
        if (pending.Count == 0)
        {
            return new PartBatchResult(0, skipped, 0, 0, 0, checkpoint.Current.MediaId!);
        }

        var credentials = await CredentialsForAsync(checkpoint.Current, options, observer, cancellationToken).ConfigureAwait(false);
        var refreshesBefore = credentials.Refreshes;
        await using var source = await _sources.OpenAsync(session.Plan.Source, cancellationToken).ConfigureAwait(false);
        var target = Target(checkpoint.Current);
        var mediaId = checkpoint.Current.MediaId!;
        var retries = 0;
        long uploadedBytes = 0;
        var partsDone = checkpoint.Current.Parts.Count;
        long bytesDone = checkpoint.Current.BytesDone;
        var pipeline = RetryPipeline(options, (part, attempt, code) =>
        {
            Interlocked.Increment(ref retries);
            Log.PartRetried(_logger, part, mediaId, code, attempt);
            observer.OnPartRetried(part, attempt, code);
        });
        var buffers = ArrayPool<byte>.Create((int)Math.Min(plan.PartSize, Array.MaxLength), Math.Max(1, options.Parallel));

        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellationToken }, async (number, token) =>
        {
            var (offset, length) = plan.Range(number);
            var buffer = buffers.Rent((int)length);
            try
            {
                var data = buffer.AsMemory(0, (int)length);
                await source.ReadAsync(offset, data, token).ConfigureAwait(false);
                var md5 = ContentMd5.Compute(data.Span);
                var crc = Crc64Ecma.Compute(data.Span);
                var context = ResilienceContextPool.Shared.Get(token);
                context.Properties.Set(PartKey, number);
                OssWriteResult stored;
                try
                {
                    stored = await pipeline.ExecuteAsync(async ctx => await SendPartAsync(plan, target, checkpoint.Current.UploadId, number, data, md5, crc, credentials, ctx.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false);
                }
                finally
                {
                    ResilienceContextPool.Shared.Return(context);
                }

                var part = new CheckpointPart(number, stored.ETag, length, crc);
                await checkpoint.UpdateAsync(c =>
                {
                    c.Parts.RemoveAll(p => p.Number == number);
                    c.Parts.Add(part);
                    c.Parts.Sort((a, b) => a.Number.CompareTo(b.Number));
                    if (plan.SinglePut)
                    {
                        c.Completed = true;
                        c.Crc64 = crc;
                        c.ObjectETag = stored.ETag;
                    }
                }, CancellationToken.None).ConfigureAwait(false);
                Log.PartStored(_logger, number, mediaId, length);
                Interlocked.Add(ref uploadedBytes, length);
                var nowDone = Interlocked.Increment(ref partsDone);
                observer.OnProgress(new UploadProgress(mediaId, Interlocked.Add(ref bytesDone, length), plan.TotalSize, nowDone, plan.PartCount));
            }
            finally
            {
                buffers.Return(buffer);
            }
        }).ConfigureAwait(false);

        return new PartBatchResult(pending.Count, skipped, uploadedBytes, retries, credentials.Refreshes - refreshesBefore, mediaId);
    }

    /// <summary>
    /// Step 5: completes the multipart upload with the recorded parts and checks that OSS's CRC-64 of the object equals
    /// the CRC combined from the source's parts (else <see cref="UploadErrorCodes.IntegrityError"/>, and no success).
    /// Running it again after success answers the same result.
    /// </summary>
    public async Task<UploadResult> CompleteAsync(UploadSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var checkpoint = await RequireCheckpointAsync(session, cancellationToken).ConfigureAwait(false);
        var current = checkpoint.Current;
        var plan = session.Plan.Parts;
        var expectedCrc = current.Parts.OrderBy(p => p.Number).Aggregate(0UL, (acc, p) => Crc64Ecma.Combine(acc, p.Crc64, p.Size));
        if (current.Completed)
        {
            return Result(current, plan.TotalSize);
        }

        var missing = Enumerable.Range(1, plan.PartCount).Except(current.Parts.Select(p => p.Number)).ToList();
        if (missing.Count > 0)
        {
            throw new UploadException(UploadErrorCodes.UploadFailed, $"{missing.Count} parts are not uploaded yet (first: {missing[0]}).", UploadErrorKind.Retryable);
        }

        var credentials = await CredentialsForAsync(current, new UploadOptions(), NullUploadObserver.Instance, cancellationToken).ConfigureAwait(false);
        var target = Target(current);
        ulong? serverCrc;
        string etag;
        try
        {
            var completed = await WithCredentialAsync(credentials,
                c => _oss.CompleteMultipartUploadAsync(target, current.UploadId!, current.Parts.Select(p => new OssPartETag(p.Number, p.ETag)), c, null, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            serverCrc = completed.Crc64;
            etag = completed.ETag;
        }
        catch (UploadException ex) when (ex.Kind == UploadErrorKind.UploadGone)
        {
            // Completed by an earlier run that died before recording it: the object itself tells.
            var head = await WithCredentialAsync(credentials, c => _oss.HeadObjectAsync(target, c, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (head.ContentLength != plan.TotalSize)
            {
                throw;
            }

            serverCrc = head.Crc64;
            etag = head.ETag ?? string.Empty;
        }

        if (serverCrc != expectedCrc)
        {
            throw new UploadException(UploadErrorCodes.IntegrityError,
                $"OSS reports CRC-64 {serverCrc?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} for the object; the source's parts give {expectedCrc}.", UploadErrorKind.Fatal);
        }

        await checkpoint.UpdateAsync(c =>
        {
            c.Completed = true;
            c.Crc64 = expectedCrc;
            c.ObjectETag = etag;
        }, cancellationToken).ConfigureAwait(false);
        Log.UploadCompleted(_logger, session.MediaId, plan.TotalSize, expectedCrc);
        return Result(checkpoint.Current, plan.TotalSize);
    }

    /// <summary>
    /// Where an upload stands according to its checkpoint — the parts stored and verified so far — or null when it has
    /// no checkpoint (not started, finished and cleaned up, or cancelled). Reads the store's summary (for blobs, one
    /// HEAD request, not the part list); writes nothing.
    /// </summary>
    public async Task<UploadProgress?> ProgressAsync(string checkpointKey, CancellationToken cancellationToken) =>
        await _checkpoints.SummarizeAsync(checkpointKey, cancellationToken).ConfigureAwait(false) is { } summary
            ? new UploadProgress(summary.MediaId ?? string.Empty, summary.BytesDone, summary.TotalBytes, summary.PartsDone, summary.PartCount)
            : null;

    /// <summary>
    /// Cancels an upload: aborts its multipart upload (so no parts are left to cost money) and deletes its checkpoint.
    /// Returns false when there was no checkpoint.
    /// </summary>
    public async Task<bool> AbortAsync(string checkpointKey, CancellationToken cancellationToken)
    {
        var stored = await _checkpoints.LoadAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return false;
        }

        var checkpoint = stored.Checkpoint;
        var aborted = false;
        if (checkpoint is { UploadId: { } uploadId, MediaId: not null, Completed: false, Kind: MediaKind.Video })
        {
            try
            {
                var credentials = await CredentialsForAsync(checkpoint, new UploadOptions(), NullUploadObserver.Instance, cancellationToken).ConfigureAwait(false);
                await WithCredentialAsync(credentials, async c =>
                {
                    await _oss.AbortMultipartUploadAsync(Target(checkpoint), uploadId, c, cancellationToken).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
                aborted = true;
            }
            catch (UploadException ex) when (ex.Kind == UploadErrorKind.UploadGone || ex.Code == "InvalidVideo.NotFound")
            {
                // Already gone: nothing left to cost money.
            }
        }

        await _checkpoints.DeleteAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
        if (checkpoint.MediaId is { } id)
        {
            _credentials.TryRemove(id, out _);
        }

        Log.UploadCancelled(_logger, checkpoint.MediaId ?? checkpointKey, aborted);
        return true;
    }

    private async Task<OssWriteResult> SendPartAsync(PartPlan plan, OssObjectLocation target, string? uploadId, int number, ReadOnlyMemory<byte> data, string md5, ulong crc, UploadCredentialProvider credentials, CancellationToken cancellationToken)
    {
        var stored = await WithCredentialAsync(credentials, c =>
        {
            using var body = new ReadOnlyMemoryStream(data);
            var options = new OssRequestOptions { ContentMd5 = md5 };
            return plan.SinglePut
                ? _oss.PutObjectAsync(target, body, data.Length, c, options, cancellationToken)
                : _oss.UploadPartAsync(target, uploadId!, number, body, data.Length, c, options, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
        if (stored.Crc64 is { } serverCrc && serverCrc != crc)
        {
            // OSS stored other bytes than were read: resend the part.
            throw new UploadException(UploadErrorCodes.IntegrityError, $"OSS's CRC-64 of part {number} differs from the source's.", UploadErrorKind.Retryable);
        }

        return stored;
    }

    /// <summary>
    /// Runs an OSS call with the provider's credential; on "credential expired" renews it (once per expiry, shared by
    /// all parts) and tries again. Service errors leave here as <see cref="UploadException"/>.
    /// </summary>
    private static async Task<T> WithCredentialAsync<T>(UploadCredentialProvider credentials, Func<AlibabaCredential, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var renewals = 0; ; renewals++)
        {
            var credential = await credentials.GetAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await call(credential).ConfigureAwait(false);
            }
            catch (AlibabaCloudException ex) when (ex.Kind == AlibabaErrorKind.CredentialExpired && renewals < 3)
            {
                await credentials.RenewAfterExpiryAsync(credential, cancellationToken).ConfigureAwait(false);
            }
            catch (AlibabaCloudException ex)
            {
                throw UploadException.From(ex);
            }
        }
    }

    private static ResiliencePipeline RetryPipeline(UploadOptions options, Action<int, int, string> onRetry)
    {
        if (options.RetryCount == 0)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<UploadException>(e => e.Kind == UploadErrorKind.Retryable)
                .Handle<IOException>(),
            MaxRetryAttempts = options.RetryCount,
            Delay = options.RetryDuration,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            OnRetry = args =>
            {
                var code = args.Outcome.Exception is UploadException u ? u.Code : args.Outcome.Exception?.GetType().Name ?? "Unknown";
                onRetry(args.Context.Properties.GetValue(PartKey, 0), args.AttemptNumber + 2, code);
                return default;
            },
        }).Build();
    }

    private async Task<CheckpointSession> CreateMediaAsync(UploadPlan plan, MediaMetadata metadata, UploadOptions options, IUploadObserver observer, CheckpointSession? existing, CancellationToken cancellationToken)
    {
        var title = metadata.Title ?? Path.GetFileNameWithoutExtension(plan.Source.FileName);
        if (title.Length > VodMediaRules.MaxTitleLength)
        {
            title = title[..VodMediaRules.MaxTitleLength];
        }

        string mediaId;
        UploadAddress address;
        UploadAuth auth;
        string? imageUrl = null;
        string? fileUrl = null;
        if (plan.Kind == MediaKind.Video)
        {
            var created = await CallVodAsync(() => _vod.CreateUploadVideoAsync(new CreateUploadVideoRequest
            {
                Title = title,
                FileName = plan.Source.FileName,
                FileSize = plan.Parts.TotalSize,
                CateId = metadata.CateId,
                Tags = metadata.Tags,
                Description = metadata.Description,
                TemplateGroupId = metadata.TemplateGroupId,
                WorkflowId = metadata.WorkflowId,
                StorageLocation = metadata.StorageLocation,
                UserData = metadata.UserData,
                AppId = metadata.AppId,
            }, cancellationToken)).ConfigureAwait(false);
            (mediaId, address, auth) = (created.VideoId, created.DecodeAddress(), created.DecodeAuth());
        }
        else
        {
            var created = await CallVodAsync(() => _vod.CreateUploadImageAsync(new CreateUploadImageRequest
            {
                ImageType = metadata.ImageType ?? "default",
                ImageExt = metadata.ImageExt ?? VodMediaRules.ExtensionOf(plan.Source.FileName),
                Title = title,
                Tags = metadata.Tags,
                CateId = metadata.CateId,
                Description = metadata.Description,
                StorageLocation = metadata.StorageLocation,
                UserData = metadata.UserData,
                AppId = metadata.AppId,
            }, cancellationToken)).ConfigureAwait(false);
            (mediaId, address, auth, imageUrl, fileUrl) = (created.ImageId, created.DecodeAddress(), created.DecodeAuth(), created.ImageURL, created.FileURL);
        }

        Log.MediaCreated(_logger, mediaId, plan.Source.Location);
        var now = _time.GetUtcNow();
        var session = existing ?? CheckpointSession.New(_checkpoints, plan.CheckpointKey, new UploadCheckpoint { Source = plan.Source, Identity = plan.Identity, CreatedAt = now }, _time);
        try
        {
            await session.UpdateAsync(c =>
            {
                if (c.MediaId is not null && c.Kind == MediaKind.Video)
                {
                    return; // another run created first; its video wins (below)
                }

                c.Source = plan.Source;
                c.Identity = plan.Identity;
                c.Kind = plan.Kind;
                c.MediaId = mediaId;
                c.Title = title;
                c.ImageUrl = imageUrl;
                c.FileUrl = fileUrl;
                c.PartSize = plan.Parts.PartSize;
                c.PartCount = plan.Parts.PartCount;
                ResetAddress(c, address);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (CheckpointConflictException)
        {
            throw new UploadException(UploadErrorCodes.UploadFailed, "The checkpoint kept changing under a concurrent writer.", UploadErrorKind.Retryable);
        }

        if (session.Current.MediaId != mediaId)
        {
            // A concurrent run recorded its own video first: drop ours so no orphan is left, and continue with theirs.
            await CallVodAsync(() => _vod.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [mediaId] }, cancellationToken)).ConfigureAwait(false);
            var refreshed = await CallVodAsync(() => _vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = session.Current.MediaId! }, cancellationToken)).ConfigureAwait(false);
            RememberCredentials(session.Current.MediaId!, refreshed.DecodeAuth(), options, observer);
            return session;
        }

        RememberCredentials(mediaId, auth, options, observer);
        return session;
    }

    private static void ResetAddress(UploadCheckpoint checkpoint, UploadAddress address)
    {
        checkpoint.Endpoint = address.Endpoint.GetLeftPart(UriPartial.Authority);
        checkpoint.Bucket = address.Bucket;
        checkpoint.ObjectKey = address.FileName;
        checkpoint.UploadId = null;
        checkpoint.Parts = [];
        checkpoint.Completed = false;
    }

    private UploadCredentialProvider RememberCredentials(string mediaId, UploadAuth auth, UploadOptions options, IUploadObserver observer)
    {
        var provider = new UploadCredentialProvider(auth, async ct =>
        {
            var refreshed = await CallVodAsync(() => _vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = mediaId }, ct)).ConfigureAwait(false);
            return refreshed.DecodeAuth();
        }, _time, options.CredentialRefreshMargin);
        provider.Refreshed += afterExpiry =>
        {
            Log.CredentialsRefreshed(_logger, mediaId, afterExpiry);
            observer.OnTokenRefreshed(mediaId, afterExpiry);
        };
        _credentials[mediaId] = provider;
        return provider;
    }

    /// <summary>The credential provider of a media: the one this process holds, else one from RefreshUploadVideo.</summary>
    private async Task<UploadCredentialProvider> CredentialsForAsync(UploadCheckpoint checkpoint, UploadOptions options, IUploadObserver observer, CancellationToken cancellationToken)
    {
        var mediaId = checkpoint.MediaId ?? throw new UploadException(UploadErrorCodes.CheckpointMissing, "The checkpoint has no media id; run CreateOrRefresh first.", UploadErrorKind.Fatal);
        if (_credentials.TryGetValue(mediaId, out var provider))
        {
            return provider;
        }

        if (checkpoint.Kind == MediaKind.Image)
        {
            throw new UploadException(UploadErrorCodes.CheckpointMissing, "The image's upload credential is gone (images cannot be refreshed); run CreateOrRefresh again.", UploadErrorKind.CredentialExpired);
        }

        var refreshed = await CallVodAsync(() => _vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = mediaId }, cancellationToken)).ConfigureAwait(false);
        return _credentials.GetOrAdd(mediaId, _ => RememberCredentials(mediaId, refreshed.DecodeAuth(), options, observer));
    }

    /// <summary>
    /// Finds parts the server stored after the last checkpoint write (a crash between UploadPart and the write): each is
    /// adopted when the source's bytes have the ETag's MD5, so it is not sent again.
    /// </summary>
    private async Task<List<CheckpointPart>> AdoptServerPartsAsync(UploadSession session, UploadCheckpoint checkpoint, IReadOnlyList<OssPart> serverParts, CancellationToken cancellationToken)
    {
        var recorded = checkpoint.Parts.Select(p => p.Number).ToHashSet();
        var plan = session.Plan.Parts;
        var candidates = serverParts.Where(p => !recorded.Contains(p.PartNumber) && p.PartNumber <= plan.PartCount && p.Size == plan.Range(p.PartNumber).Length).ToList();
        var adopted = new List<CheckpointPart>();
        if (candidates.Count == 0)
        {
            return adopted;
        }

        await using var source = await _sources.OpenAsync(session.Plan.Source, cancellationToken).ConfigureAwait(false);
        foreach (var part in candidates)
        {
            var (offset, length) = plan.Range(part.PartNumber);
            var buffer = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                var data = buffer.AsMemory(0, (int)length);
                await source.ReadAsync(offset, data, cancellationToken).ConfigureAwait(false);
                var md5Hex = Convert.ToHexString(Convert.FromBase64String(ContentMd5.Compute(data.Span)));
                if (SameETag(part.ETag, md5Hex))
                {
                    adopted.Add(new CheckpointPart(part.PartNumber, part.ETag, length, Crc64Ecma.Compute(data.Span)));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return adopted;
    }

    private async Task<CheckpointSession> RequireCheckpointAsync(UploadSession session, CancellationToken cancellationToken)
    {
        var checkpoint = await CheckpointSession.LoadAsync(_checkpoints, session.Plan.CheckpointKey, _time, cancellationToken).ConfigureAwait(false);
        if (checkpoint?.Current.MediaId is null)
        {
            throw new UploadException(UploadErrorCodes.CheckpointMissing, $"No checkpoint '{session.Plan.CheckpointKey}' with a media id; run CreateOrRefresh first.", UploadErrorKind.Fatal);
        }

        return checkpoint;
    }

    private static OssObjectLocation Target(UploadCheckpoint checkpoint) =>
        new(new Uri(checkpoint.Endpoint!), checkpoint.Bucket!, checkpoint.ObjectKey!);

    private static UploadResult Result(UploadCheckpoint checkpoint, long size) =>
        new(checkpoint.MediaId!, checkpoint.Kind, size, checkpoint.Crc64 ?? 0, checkpoint.ObjectETag ?? string.Empty, checkpoint.ObjectKey!, checkpoint.ImageUrl, checkpoint.FileUrl);

    private static bool SameETag(string a, string b) => string.Equals(a.Trim('"'), b.Trim('"'), StringComparison.OrdinalIgnoreCase);

    private static async Task<T> CallVodAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AlibabaCloudException ex)
        {
            throw UploadException.From(ex);
        }
        catch (AlibabaRequestValidationException ex)
        {
            throw new UploadException(UploadErrorCodes.InvalidRequest, ex.Message, UploadErrorKind.Fatal, ex);
        }
    }
}
