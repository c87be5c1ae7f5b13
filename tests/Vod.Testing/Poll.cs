namespace Vod.Testing;

/// <summary>
/// Waits on a condition instead of on time: tests run on loaded 2-core machines, where any fixed delay is sometimes too
/// short. The deadline is generous because it only bounds how long a broken test takes to fail.
/// </summary>
public static class Poll
{
    /// <summary>How long a condition may take before the test fails: one minute.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Returns once <paramref name="condition"/> holds; throws naming <paramref name="what"/> at the deadline.</summary>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not reached within {timeout ?? DefaultTimeout}.");
            }

            await Task.Delay(25).ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?)"/>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);
}
