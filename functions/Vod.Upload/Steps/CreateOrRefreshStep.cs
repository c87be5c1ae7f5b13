using Microsoft.Extensions.Logging;
using Vod.Alibaba.VodApi;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

namespace Vod.Upload.Steps;

/// <summary>
/// Step 2: with a video id in the checkpoint, asks for a fresh credential (RefreshUploadVideo) — never creates twice;
/// a video VOD no longer has discards the checkpoint and a new one is created. Without one, creates the video and
/// records its id before anything else can fail. Images go through <see cref="ImageUploadStep"/>: their credential
/// cannot be refreshed, so they are created and written in one step.
/// </summary>
internal static class CreateOrRefreshStep
{
    public static async Task<UploadSession> RunAsync(StepServices services, UploadPlan plan, MediaMetadata metadata, UploadOptions options, IUploadObserver observer, CancellationToken cancellationToken)
    {
        var session = await CheckpointSession.LoadAsync(services.Checkpoints, plan.CheckpointKey, services.Time, cancellationToken).ConfigureAwait(false);
        var resumed = false;
        if (session?.Current is { MediaId: { } mediaId, Completed: true })
        {
            resumed = true;
        }
        else if (session?.Current is { MediaId: { } videoId, Kind: MediaKind.Video } existing)
        {
            try
            {
                var grant = await services.Vod.RefreshVideoAsync(videoId, cancellationToken).ConfigureAwait(false);
                services.Credentials.Remember(videoId, grant.Auth, options.CredentialRefreshMargin);
                if (grant.Address.Bucket != existing.Bucket || grant.Address.FileName != existing.ObjectKey)
                {
                    await session.UpdateAsync(c => ResetAddress(c, grant.Address), cancellationToken).ConfigureAwait(false);
                }

                resumed = true;
            }
            catch (UploadException ex) when (ex.Kind == UploadErrorKind.MediaGone)
            {
                Log.CheckpointDiscarded(services.Logger, plan.CheckpointKey, $"video {videoId} no longer exists in VOD; a new one is created");
                await services.Checkpoints.DeleteAsync(plan.CheckpointKey, cancellationToken).ConfigureAwait(false);
                session = null;
            }
        }

        if (!resumed)
        {
            if (plan.Kind == MediaKind.Image)
            {
                return await ImageUploadStep.RunAsync(services, plan, metadata, options, observer, session, cancellationToken).ConfigureAwait(false);
            }

            session = await CreateVideoAsync(services, plan, metadata, options, session, cancellationToken).ConfigureAwait(false);
        }

        return Started(services, plan, session!.Current, resumed, observer);
    }

    /// <summary>Logs and reports the start of the upload into <paramref name="checkpoint"/>'s media.</summary>
    public static UploadSession Started(StepServices services, UploadPlan plan, UploadCheckpoint checkpoint, bool resumed, IUploadObserver observer)
    {
        var session = new UploadSession(plan, checkpoint.MediaId!, resumed);
        Log.UploadStarted(services.Logger, plan.Source.Location, plan.Kind, session.MediaId, plan.Parts.TotalSize, plan.Parts.PartCount, resumed);
        observer.OnStarted(new UploadStarted(session.MediaId, plan.Kind, plan.Parts.TotalSize, plan.Parts.PartCount, resumed));
        return session;
    }

    /// <summary>Points the checkpoint at a (new) address: nothing is stored there yet.</summary>
    public static void ResetAddress(UploadCheckpoint checkpoint, UploadAddress address)
    {
        checkpoint.Endpoint = address.Endpoint.GetLeftPart(UriPartial.Authority);
        checkpoint.Bucket = address.Bucket;
        checkpoint.ObjectKey = address.FileName;
        checkpoint.MultipartUploadId = null;
        checkpoint.Parts = [];
        checkpoint.Completed = false;
    }

    /// <summary>A checkpoint for the plan, before its media exists.</summary>
    public static CheckpointSession NewCheckpoint(StepServices services, UploadPlan plan) =>
        CheckpointSession.New(services.Checkpoints, plan.CheckpointKey,
            new UploadCheckpoint { Source = plan.Source, Identity = plan.Identity, SourceFingerprint = plan.SourceFingerprint, Kind = plan.Kind, CreatedAt = services.Time.GetUtcNow() }, services.Time);

    private static async Task<CheckpointSession> CreateVideoAsync(StepServices services, UploadPlan plan, MediaMetadata metadata, UploadOptions options, CheckpointSession? session, CancellationToken cancellationToken)
    {
        var created = await MediaCreation.CreateVideoAsync(services.Vod, plan, metadata, cancellationToken).ConfigureAwait(false);
        Log.MediaCreated(services.Logger, created.MediaId, plan.Source.Location);
        session ??= NewCheckpoint(services, plan);
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
                c.MediaId = created.MediaId;
                c.Title = MediaCreation.TitleFor(plan.Source.FileName, metadata);
                c.PartSize = plan.Parts.PartSize;
                c.PartCount = plan.Parts.PartCount;
                ResetAddress(c, created.Grant.Address);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The id could not be recorded: a rerun would create another video. Delete this one so none is left behind
            // — unless the write landed after all (a lost answer), in which case the checkpoint holds it.
            if (!await RecordedAsync(services, plan.CheckpointKey, created.MediaId).ConfigureAwait(false))
            {
                await DeleteQuietlyAsync(services, MediaKind.Video, created.MediaId).ConfigureAwait(false);
            }

            throw;
        }

        if (session.Current.MediaId != created.MediaId)
        {
            // A concurrent run recorded its own video first: drop ours so no orphan is left, and continue with theirs.
            await services.Vod.DeleteMediaAsync(MediaKind.Video, created.MediaId, cancellationToken).ConfigureAwait(false);
            var grant = await services.Vod.RefreshVideoAsync(session.Current.MediaId!, cancellationToken).ConfigureAwait(false);
            services.Credentials.Remember(session.Current.MediaId!, grant.Auth, options.CredentialRefreshMargin);
            return session;
        }

        services.Credentials.Remember(created.MediaId, created.Grant.Auth, options.CredentialRefreshMargin);
        return session;
    }

    /// <summary>Whether the stored checkpoint names <paramref name="mediaId"/>; false when that cannot be read either.</summary>
    public static async Task<bool> RecordedAsync(StepServices services, string key, string mediaId)
    {
        try
        {
            return (await services.Checkpoints.LoadAsync(key, CancellationToken.None).ConfigureAwait(false))?.Checkpoint.MediaId == mediaId;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Deletes a media no checkpoint points at; a failure is logged, never thrown (the caller's error matters more).</summary>
    public static async Task DeleteQuietlyAsync(StepServices services, MediaKind kind, string mediaId)
    {
        try
        {
            await services.Vod.DeleteMediaAsync(kind, mediaId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (UploadException ex)
        {
            Log.MediaNotDeleted(services.Logger, kind, mediaId, ex.Code);
        }
    }
}
