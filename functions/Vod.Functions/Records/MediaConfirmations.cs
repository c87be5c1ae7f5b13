using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Vod.Alibaba.Errors;

namespace Vod.Functions.Records;

/// <summary>What one confirmation found.</summary>
/// <param name="Record">The record after VOD's answer; null when there is none (VOD does not know the media and no
/// record existed) or VOD could not be asked.</param>
/// <param name="StatusChanged">Whether this answer moved the record to another status.</param>
/// <param name="Asked">False when VOD could not be asked (no budget left, throttled, down): nothing was learned.</param>
public sealed record Confirmation(MediaRecord? Record, bool StatusChanged, bool Asked = true);

/// <summary>
/// Turns hints (VOD callbacks, reconciliation) into records by asking the VOD API. Per media, at most one question is in
/// flight and questions start at least <see cref="VodFunctionsOptions.MediaConfirmIntervalMilliseconds"/> apart; a hint
/// that arrives while one is in flight waits for the next question, which starts after it arrived, so no hint is
/// answered with what VOD said before it. Every question is paid from the instance's <see cref="ConfirmationBudget"/>.
/// </summary>
public sealed partial class MediaConfirmations(IMediaFacts facts, MediaRecordStore records, ConfirmationBudget budget, TimeSpan interval, TimeProvider time, ILogger<MediaConfirmations> logger)
{
    private readonly ConcurrentDictionary<(string Kind, string Id), Flight> _flights = new();

    /// <summary>Asks VOD about the media (joining a question not yet started) and records the answer.</summary>
    public Task<Confirmation> ConfirmAsync(string kind, string mediaId)
    {
        var key = (kind, mediaId);
        var flight = _flights.GetOrAdd(key, _ => new Flight());
        lock (flight)
        {
            if (flight.Queued is { } queued)
            {
                return queued.Task;
            }

            var next = new TaskCompletionSource<Confirmation>(TaskCreationOptions.RunContinuationsAsynchronously);
            var previous = flight.Running?.Task ?? Task.CompletedTask;
            flight.Queued = next;
            _ = RunAsync(key, flight, previous, next);
            return next.Task;
        }
    }

    private async Task RunAsync((string Kind, string Id) key, Flight flight, Task previous, TaskCompletionSource<Confirmation> run)
    {
        try
        {
            // Whatever the question before this one met, this one is asked anew.
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var wait = flight.LastStarted + interval - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time).ConfigureAwait(false);
            }

            lock (flight)
            {
                flight.Queued = null;
                flight.Running = run;
                flight.LastStarted = time.GetUtcNow();
            }

            run.TrySetResult(await AskAsync(key.Kind, key.Id).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            run.TrySetException(ex);
        }
        finally
        {
            _ = ForgetWhenIdleAsync(key, flight, run);
        }
    }

    // Once nobody waits and the interval since the last question has passed, forget the media: a flood of made-up ids
    // leaves nothing behind, and a hint right after a question still waits out the interval.
    private async Task ForgetWhenIdleAsync((string Kind, string Id) key, Flight flight, TaskCompletionSource<Confirmation> run)
    {
        if (interval > TimeSpan.Zero)
        {
            await Task.Delay(interval, time).ConfigureAwait(false);
        }

        lock (flight)
        {
            if (flight.Queued is null && flight.Running == run)
            {
                _flights.TryRemove(new KeyValuePair<(string, string), Flight>(key, flight));
            }
        }
    }

    private async Task<Confirmation> AskAsync(string kind, string mediaId)
    {
        if (!budget.TryTake())
        {
            LogNoBudget(logger, kind, mediaId);
            return new Confirmation(await records.GetAsync(kind, mediaId, CancellationToken.None).ConfigureAwait(false), false, Asked: false);
        }

        // The time of the question, not of the answer: an answer is at least as new as the moment it was asked.
        var askedAt = time.GetUtcNow();
        MediaFacts answer;
        try
        {
            answer = await facts.GetAsync(kind, mediaId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AlibabaCloudException ex)
        {
            LogUnanswered(logger, kind, mediaId, ex.Code);
            return new Confirmation(await records.GetAsync(kind, mediaId, CancellationToken.None).ConfigureAwait(false), false, Asked: false);
        }

        return await records.ApplyFactsAsync(kind, mediaId, answer, askedAt, CancellationToken.None).ConfigureAwait(false);
    }

    private sealed class Flight
    {
        public TaskCompletionSource<Confirmation>? Queued { get; set; }

        public TaskCompletionSource<Confirmation>? Running { get; set; }

        public DateTimeOffset LastStarted { get; set; } = DateTimeOffset.MinValue;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "No confirmation budget left: {Kind} {MediaId} not asked now (reconciliation will)")]
    private static partial void LogNoBudget(ILogger logger, string kind, string mediaId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "VOD did not answer for {Kind} {MediaId}: {Code} (reconciliation will ask again)")]
    private static partial void LogUnanswered(ILogger logger, string kind, string mediaId, string code);
}
