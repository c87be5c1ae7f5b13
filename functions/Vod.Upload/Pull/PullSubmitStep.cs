using Vod.Alibaba.VodApi.Operations;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

namespace Vod.Upload.Pull;

/// <summary>
/// Submits a pull once, however often it runs: the URL is recorded before UploadMediaByURL is called and the job id right
/// after; a run that finds the URL recorded but no job asks VOD for a job of that URL before it submits (the earlier run
/// may have crashed between the call and the record). A run that finds the job id submits nothing.
/// </summary>
internal static class PullSubmitStep
{
    // A recorded URL this close to its expiry is not submitted: VOD would queue a job that cannot start.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    public static async Task<PullSubmission> RunAsync(
        PullServices services, string key, MediaMetadata metadata, PullOptions options, Func<CancellationToken, Task<PullUrl>> signUrl, CancellationToken cancellationToken)
    {
        if (options.MaxBytes is { } max && options.ExpectedBytes is { } size && size > max)
        {
            throw new UploadException(UploadErrorCodes.PullTooLarge, $"The source has {size} bytes; a pull takes at most {max}.", UploadErrorKind.Fatal);
        }

        var stored = await services.Checkpoints.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is { Checkpoint: { State: PullCheckpointState.Submitted, JobId: { } recordedJob } done })
        {
            return new PullSubmission(key, recordedJob, done.MediaId, Resumed: true);
        }

        PullCheckpoint checkpoint;
        if (stored is { Checkpoint: var pending })
        {
            // The earlier run recorded this URL and then stopped: did VOD get it?
            var found = await services.Vod.FindJobAsync(pending.SourceUrl, pending.RecordedAt, cancellationToken).ConfigureAwait(false);
            if (found is { JobId.Length: > 0 })
            {
                var source = Redact(pending.SourceUrl);
                Log.PullJobRecovered(services.Logger, source, found.JobId);
                pending.State = PullCheckpointState.Submitted;
                pending.JobId = found.JobId;
                pending.MediaId = found.MediaId;
                pending.VodStatus = found.Status;
                pending.SubmittedAt ??= services.Time.GetUtcNow();
                await SaveAsync(services, key, pending, stored.ETag, cancellationToken).ConfigureAwait(false);
                return new PullSubmission(key, found.JobId, found.MediaId, Resumed: true);
            }

            checkpoint = pending;
            if (pending.UrlExpiresOn is { } expires && expires - ExpiryMargin <= services.Time.GetUtcNow())
            {
                var source = Redact(pending.SourceUrl);
                Log.PullUrlRenewed(services.Logger, source);
                var renewed = await signUrl(cancellationToken).ConfigureAwait(false);
                checkpoint.SourceUrl = renewed.Url.AbsoluteUri;
                checkpoint.UrlExpiresOn = renewed.ExpiresOn;
                stored = stored with { ETag = await SaveAsync(services, key, checkpoint, stored.ETag, cancellationToken).ConfigureAwait(false) };
            }
        }
        else
        {
            var url = await signUrl(cancellationToken).ConfigureAwait(false);
            Validate(url.Url, metadata, options);
            checkpoint = new PullCheckpoint
            {
                State = PullCheckpointState.Submitting,
                RecordedAt = services.Time.GetUtcNow(),
                SourceUrl = url.Url.AbsoluteUri,
                UrlExpiresOn = url.ExpiresOn,
                Title = PullMetadata.TitleFor(metadata, url.Url),
            };
            stored = new StoredPullCheckpoint(key, checkpoint, await SaveAsync(services, key, checkpoint, ifMatch: null, cancellationToken).ConfigureAwait(false));
        }

        // Only now, with the URL recorded, may VOD be asked: every call creates a media.
        var jobId = await services.Vod.SubmitAsync(Request(checkpoint, metadata, options), cancellationToken).ConfigureAwait(false);
        checkpoint.State = PullCheckpointState.Submitted;
        checkpoint.JobId = jobId;
        checkpoint.VodStatus = "PENDING";
        checkpoint.SubmittedAt = services.Time.GetUtcNow();
        await SaveAsync(services, key, checkpoint, stored.ETag, cancellationToken).ConfigureAwait(false);
        var submittedSource = Redact(checkpoint.SourceUrl);
        Log.PullSubmitted(services.Logger, submittedSource, jobId);
        return new PullSubmission(key, jobId, MediaId: null, Resumed: false);
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
