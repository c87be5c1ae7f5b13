using Vod.Alibaba.VodApi.Operations;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

namespace Vod.Upload.Pull;

/// <summary>
/// Submits a pull once, however often it runs: the URL is recorded before UploadMediaByURL is called and the job id right
/// after; a run that finds the URL recorded but no job asks VOD for a job of that URL before it submits (the earlier run
/// may have crashed between the call and the record). A run that finds the job id submits nothing. Two runs at once (an
/// activity delivered twice) are kept apart by a claim written on the record's tag just before the call: the other run
/// waits for the claimant's job instead of submitting its own.
/// </summary>
internal static class PullSubmitStep
{
    /// <summary>
    /// How long a run's claim to submit holds other runs back: well beyond one UploadMediaByURL call (the RPC timeout is
    /// 30 s), so a run that finds a younger claim and no job knows the claimant may still be inside its call, and waits.
    /// </summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(2);

    // A recorded URL this close to its expiry is not submitted: VOD would queue a job that cannot start.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    // How often a run waiting on another run's claim looks again.
    private static readonly TimeSpan ClaimCheckInterval = TimeSpan.FromSeconds(5);

    public static async Task<PullSubmission> RunAsync(
        PullServices services, string key, MediaMetadata metadata, PullOptions options, Func<CancellationToken, Task<PullUrl>> signUrl, CancellationToken cancellationToken)
    {
        if (options.MaxBytes is { } max && options.ExpectedBytes is { } size && size > max)
        {
            throw new UploadException(UploadErrorCodes.PullTooLarge, $"The source has {size} bytes; a pull takes at most {max}.", UploadErrorKind.Fatal);
        }

        var stored = await services.Checkpoints.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        PullCheckpoint checkpoint;
        if (stored is null)
        {
            var url = await signUrl(cancellationToken).ConfigureAwait(false);
            Validate(url.Url, metadata, options);
            var now = services.Time.GetUtcNow();
            checkpoint = new PullCheckpoint
            {
                State = PullCheckpointState.Submitting,
                RecordedAt = now,
                SubmitClaimedAt = now, // creating the record (only if none exists) is this run's claim
                SourceUrl = url.Url.AbsoluteUri,
                UrlExpiresOn = url.ExpiresOn,
                Title = PullMetadata.TitleFor(metadata, url.Url),
            };
            stored = new StoredPullCheckpoint(key, checkpoint, await SaveAsync(services, key, checkpoint, ifMatch: null, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            var settled = await SettleAsync(services, key, stored, cancellationToken).ConfigureAwait(false);
            if (settled.Submission is { } earlier)
            {
                return earlier;
            }

            stored = settled.Pending!;
            checkpoint = stored.Checkpoint;
            if (checkpoint.UrlExpiresOn is { } expires && expires - ExpiryMargin <= services.Time.GetUtcNow())
            {
                var source = Redact(checkpoint.SourceUrl);
                Log.PullUrlRenewed(services.Logger, source);
                var renewed = await signUrl(cancellationToken).ConfigureAwait(false);
                checkpoint.SourceUrl = renewed.Url.AbsoluteUri;
                checkpoint.UrlExpiresOn = renewed.ExpiresOn;
            }

            // The claim is written on the tag this run read: of two runs that got here together, one write fails (and that
            // run, trying again, finds the winner's fresh claim and waits).
            checkpoint.SubmitClaimedAt = services.Time.GetUtcNow();
            stored = stored with { ETag = await SaveAsync(services, key, checkpoint, stored.ETag, cancellationToken).ConfigureAwait(false) };
        }

        // Only now, with the URL recorded, may VOD be asked: every call creates a media.
        string jobId;
        try
        {
            jobId = await services.Vod.SubmitAsync(Request(checkpoint, metadata, options), cancellationToken).ConfigureAwait(false);
        }
        catch (UploadException ex) when (ex.InnerException is Alibaba.Errors.AlibabaCloudException answer && Refused(answer))
        {
            // VOD refused the call (throttled, invalid): it created no job, so the claim goes and the retry submits at
            // once instead of waiting out this run's own claim. No answer at all (a timeout, a dropped connection) or a
            // server error keeps the claim: VOD may have taken the job, and the retry must find it first.
            await ReleaseClaimAsync(services, key, checkpoint, stored.ETag).ConfigureAwait(false);
            throw;
        }

        // Logged before it is recorded: should the record fail, the job VOD now runs is still traceable.
        var submittedSource = Redact(checkpoint.SourceUrl);
        Log.PullSubmitted(services.Logger, submittedSource, jobId);
        checkpoint.State = PullCheckpointState.Submitted;
        checkpoint.JobId = jobId;
        checkpoint.VodStatus = "PENDING";
        checkpoint.SubmittedAt = services.Time.GetUtcNow();
        try
        {
            // Not cancellable: a Ctrl+C now would lose the job id of a media VOD is already making.
            await SaveAsync(services, key, checkpoint, stored.ETag, CancellationToken.None).ConfigureAwait(false);
        }
        catch (UploadException ex)
        {
            Log.PullJobUnrecorded(services.Logger, submittedSource, jobId, ex.Code);
            throw;
        }

        return new PullSubmission(key, jobId, MediaId: null, Resumed: false);
    }

    // An answer that proves VOD took no job: a 4xx (invalid, forbidden) or throttling, whatever its status. A 5xx may
    // come from a gateway after VOD queued the job.
    private static bool Refused(Alibaba.Errors.AlibabaCloudException answer) =>
        answer.StatusCode is >= 400 and < 500 || answer.Code.StartsWith("Throttling", StringComparison.Ordinal);

    private static async Task ReleaseClaimAsync(PullServices services, string key, PullCheckpoint checkpoint, string etag)
    {
        checkpoint.SubmitClaimedAt = null;
        try
        {
            await services.Checkpoints.SaveAsync(key, checkpoint, etag, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Another run changed the record since this run's claim (it is not this run's to release any more), or the
            // store failed: the claim then lapses on its own, and VOD's error is what the caller must hear.
        }
    }

    /// <summary>
    /// Settles what an existing record means: a job it names (or that VOD lists for its URL since it was recorded — an
    /// earlier run may have crashed between the call and the record) is the submission; a younger claim with no job yet
    /// means another run may be submitting right now, so this run waits until that run records its job, VOD lists it, or
    /// the claim lapses. Only then, with no job anywhere, is the record handed back to be claimed and submitted.
    /// </summary>
    private static async Task<(PullSubmission? Submission, StoredPullCheckpoint? Pending)> SettleAsync(
        PullServices services, string key, StoredPullCheckpoint stored, CancellationToken cancellationToken)
    {
        var waitLogged = false;
        while (true)
        {
            var checkpoint = stored.Checkpoint;
            if (checkpoint is { State: PullCheckpointState.Submitted, JobId: { } recordedJob })
            {
                return (new PullSubmission(key, recordedJob, checkpoint.MediaId, Resumed: true), null);
            }

            var found = await services.Vod.FindJobAsync(checkpoint.SourceUrl, checkpoint.RecordedAt, cancellationToken).ConfigureAwait(false);
            if (found is { JobId.Length: > 0 })
            {
                var source = Redact(checkpoint.SourceUrl);
                Log.PullJobRecovered(services.Logger, source, found.JobId);
                checkpoint.State = PullCheckpointState.Submitted;
                checkpoint.JobId = found.JobId;
                checkpoint.MediaId = found.MediaId;
                checkpoint.VodStatus = found.Status;
                checkpoint.SubmittedAt ??= services.Time.GetUtcNow();
                await SaveAsync(services, key, checkpoint, stored.ETag, cancellationToken).ConfigureAwait(false);
                return (new PullSubmission(key, found.JobId, found.MediaId, Resumed: true), null);
            }

            // A claim stamped ahead of this clock (another instance's clock runs fast) counts from now, not from then.
            var now = services.Time.GetUtcNow();
            var lapses = checkpoint.SubmitClaimedAt is { } claimed ? (claimed < now ? claimed : now) + ClaimLifetime : (DateTimeOffset?)null;
            if (lapses is null || lapses <= now)
            {
                return (null, stored);
            }

            if (!waitLogged)
            {
                var source = Redact(checkpoint.SourceUrl);
                Log.PullClaimAwaited(services.Logger, source, checkpoint.SubmitClaimedAt!.Value, lapses.Value);
                waitLogged = true;
            }

            var pause = lapses.Value - now < ClaimCheckInterval ? lapses.Value - now : ClaimCheckInterval;
            await Task.Delay(pause, services.Time, cancellationToken).ConfigureAwait(false);
            stored = await services.Checkpoints.LoadAsync(key, cancellationToken).ConfigureAwait(false)
                ?? throw new UploadException(UploadErrorCodes.CheckpointMissing, $"The pull record '{key}' was removed while another run was submitting it (the pull was cancelled).", UploadErrorKind.Fatal);
        }
    }

    /// <summary>
    /// Checks the fields against VOD's rules for UploadMediaByURL before anything is recorded or submitted: a field VOD
    /// would refuse fails at once with <see cref="UploadErrorCodes.InvalidRequest"/>, leaving no record behind.
    /// </summary>
    public static void Validate(Uri sourceUrl, MediaMetadata metadata, PullOptions options)
    {
        try
        {
            Request(sourceUrl.AbsoluteUri, PullMetadata.TitleFor(metadata, sourceUrl), metadata, options).Validate();
        }
        catch (Alibaba.Errors.AlibabaRequestValidationException ex)
        {
            throw new UploadException(UploadErrorCodes.InvalidRequest, PullUrls.RedactText(ex.Message), UploadErrorKind.Fatal, ex);
        }
    }

    private static UploadMediaByUrlRequest Request(PullCheckpoint checkpoint, MediaMetadata metadata, PullOptions options) =>
        Request(checkpoint.SourceUrl, checkpoint.Title ?? "pulled", metadata, options);

    private static UploadMediaByUrlRequest Request(string sourceUrl, string title, MediaMetadata metadata, PullOptions options) => new()
    {
        UploadUrls = [sourceUrl],
        UploadMetadatas =
        [
            new UrlUploadMetadata
            {
                SourceUrl = sourceUrl,
                Title = title,
                FileSize = options.ExpectedBytes,
                Description = metadata.Description,
                CateId = metadata.CateId,
                Tags = metadata.Tags is { Count: > 0 } tags ? string.Join(',', tags) : null,
                TemplateGroupId = metadata.TemplateGroupId,
                WorkflowId = metadata.WorkflowId,
                FileExtension = options.FileExtension,
            },
        ],
        TemplateGroupId = metadata.TemplateGroupId,
        StorageLocation = metadata.StorageLocation,
        UserData = metadata.UserData,
        AppId = metadata.AppId,
        WorkflowId = metadata.WorkflowId,
    };

    private static async Task<string> SaveAsync(PullServices services, string key, PullCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            return await services.Checkpoints.SaveAsync(key, checkpoint, ifMatch, cancellationToken).ConfigureAwait(false);
        }
        catch (CheckpointConflictException)
        {
            throw new UploadException(UploadErrorCodes.CheckpointContention, $"The pull checkpoint '{key}' changed under this run; running the step again resumes.", UploadErrorKind.Retryable);
        }
    }

    private static string Redact(string url) => PullUrls.Redact(new Uri(url));
}
