using Polly;
using Polly.Retry;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;
using Vod.Upload.Ports;

using Vod.Upload.Telemetry;

namespace Vod.Upload.Steps;

/// <summary>
/// Step 4: uploads parts <c>first</c>–<c>last</c> that the checkpoint does not have yet,
/// <see cref="UploadOptions.Parallel"/> at a time, each read from the source into a buffer of the process's
/// <see cref="PartBufferPool"/>, hashed as it lands and sent while the rest of it is still read (with Content-MD5 only
/// when <see cref="UploadOptions.ContentMd5"/> asks, after the whole part), its CRC-64 checked against OSS's, retried
/// with backoff when retryable, and recorded. A fatal error
/// stops the other parts at once and leaves a resumable checkpoint; a stop request cancels the parts in flight.
/// </summary>
internal static class PartUploadStep
{
    /// <summary>How often a running batch looks for a stop request.</summary>
    public static readonly TimeSpan StopPollInterval = TimeSpan.FromMilliseconds(500);

    private static readonly ResiliencePropertyKey<int> PartKey = new("vod.part");

    public static async Task<PartBatchResult> RunAsync(StepServices services, UploadSession session, int firstPart, int lastPart, UploadOptions options, IUploadObserver observer, CancellationToken cancellationToken)
    {
        var plan = session.Plan.Parts;
        if (firstPart < 1 || lastPart > plan.PartCount || firstPart > lastPart)
        {
            throw new UploadException(UploadErrorCodes.InvalidRequest, $"Parts {firstPart}–{lastPart} are outside 1–{plan.PartCount}.", UploadErrorKind.Fatal);
        }

        var checkpoint = await StepCheckpoints.RequireAsync(services, session.Plan.CheckpointKey, cancellationToken).ConfigureAwait(false);
        var all = lastPart - firstPart + 1;
        if (checkpoint.Current.Completed)
        {
            return new PartBatchResult(0, all, 0, 0, 0);
        }

        if (checkpoint.Current.Kind == MediaKind.Image)
        {
            throw new UploadException(UploadErrorCodes.CredentialExpired, "An unfinished image is written by creating it again.", UploadErrorKind.CredentialExpired);
        }

        var multipartUploadId = checkpoint.Current.MultipartUploadId;
        if (!plan.SinglePut && multipartUploadId is null)
        {
            throw new UploadException(UploadErrorCodes.CheckpointMissing, "No multipart upload is recorded; it is started again.", UploadErrorKind.UploadGone);
        }

        var done = checkpoint.Current.Parts.Select(p => p.Number).ToHashSet();
        var pending = Enumerable.Range(firstPart, all).Where(n => !done.Contains(n)).ToList();
        if (pending.Count == 0)
        {
            return new PartBatchResult(0, all, 0, 0, 0);
        }

        var mediaId = session.MediaId;
        var credentials = await services.Credentials.ForVideoAsync(mediaId, options.CredentialRefreshMargin, cancellationToken).ConfigureAwait(false);
        var refreshesBefore = credentials.Refreshes;
        void OnRefreshed(bool afterExpiry) => observer.OnTokenRefreshed(mediaId, afterExpiry);
        credentials.Refreshed += OnRefreshed;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchForStopAsync(services, session.Plan.CheckpointKey, stop, cancellationToken);
        var progress = new BatchProgress(mediaId, plan, checkpoint.Current.Parts.Count, checkpoint.Current.BytesDone, observer);
        var retries = 0;
        var pipeline = RetryPipeline(options, (part, attempt, code) =>
        {
            Interlocked.Increment(ref retries);
            Log.PartRetried(services.Logger, part, mediaId, code, attempt);
            UploadTelemetry.Retries.Add(1, new("error.type", code), new("vod.retry.scope", "part"));
            observer.OnPartRetried(part, attempt, code);
        });
        var target = StepCheckpoints.Target(checkpoint.Current);
        try
        {
            await using var source = await services.Sources.OpenAsync(session.Plan.Source, stop.Token).ConfigureAwait(false);
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = stop.Token }, async (number, token) =>
            {
                var (offset, length) = plan.Range(number);
                var started = services.Time.GetTimestamp();
                var buffer = await PartBufferPool.Shared.RentAsync((int)length, token).ConfigureAwait(false);
                var body = new PartBody(buffer, (int)length);
                var digest = PartReader.FillAsync(source, offset, body, options.ContentMd5, token);
                try
                {
                    var context = ResilienceContextPool.Shared.Get(token);
                    context.Properties.Set(PartKey, number);
                    Alibaba.Oss.OssWriteResult stored;
                    try
                    {
                        stored = await pipeline.ExecuteAsync(
                            async ctx => await PartSender.SendAsync(services, target, plan.SinglePut ? null : multipartUploadId, number, body, digest, options.ContentMd5, credentials, ctx.CancellationToken).ConfigureAwait(false),
                            context).ConfigureAwait(false);
                    }
                    finally
                    {
                        ResilienceContextPool.Shared.Return(context);
                    }

                    var crc = (await digest.ConfigureAwait(false)).Crc64;
                    var part = new CheckpointPart(number, stored.ETag, length, crc);
                    if (plan.SinglePut)
                    {
                        // The part is the object: recorded and completed in one write, so no crash can leave a recorded
                        // part without a completed object (the next run would skip it and find nothing to complete).
                        await checkpoint.UpdateAsync(c =>
                        {
                            c.Record(part);
                            c.Completed = true;
                            c.Crc64 = crc;
                            c.ObjectETag = stored.ETag;
                        }, CancellationToken.None).ConfigureAwait(false);
                    }
                    else
                    {
                        await checkpoint.RecordPartAsync(part, CancellationToken.None).ConfigureAwait(false);
                    }

                    Log.PartStored(services.Logger, number, mediaId, length);
                    UploadTelemetry.PartStored(length, services.Time.GetElapsedTime(started));
                    progress.Stored(length);
                }
                finally
                {
                    // The read may still be writing into the buffer (a send that failed early): it ends before the
                    // buffer goes back. Its failure, if any, was already reported by the send.
                    await ((Task)digest).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    _ = digest.Exception;
                    PartBufferPool.Shared.Return(buffer);
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.BatchStopped(services.Logger, mediaId);
            throw new UploadException(UploadErrorCodes.UploadStopped, "The upload was asked to stop; the parts in flight were cancelled.", UploadErrorKind.Stopped);
        }
        finally
        {
            credentials.Refreshed -= OnRefreshed;
            await stop.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }

        return new PartBatchResult(progress.Parts, all - pending.Count, progress.Bytes, retries, credentials.Refreshes - refreshesBefore);
    }

    // Cancels the batch when a stop is requested; ends when the batch ends (the token is cancelled either way).
    private static async Task WatchForStopAsync(StepServices services, string key, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (await services.Checkpoints.IsStopRequestedAsync(key, stop.Token).ConfigureAwait(false))
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    return;
                }

                await Task.Delay(StopPollInterval, services.Time, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The stop request cannot be read (storage briefly down): the batch goes on; the next one looks again.
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

    /// <summary>
    /// Counts a batch's stored parts and reports them in order: the totals are raised and reported under one lock, so
    /// no observer ever sees fewer bytes than it saw before.
    /// </summary>
    private sealed class BatchProgress(string mediaId, PartPlan plan, int partsDone, long bytesDone, IUploadObserver observer)
    {
        private readonly Lock _gate = new();
        private int _partsDone = partsDone;
        private long _bytesDone = bytesDone;

        public int Parts { get; private set; }

        public long Bytes { get; private set; }

        public void Stored(long length)
        {
            lock (_gate)
            {
                Parts++;
                Bytes += length;
                _partsDone++;
                _bytesDone += length;
                observer.OnProgress(new UploadProgress(mediaId, _bytesDone, plan.TotalSize, _partsDone, plan.PartCount));
            }
        }
    }
}
