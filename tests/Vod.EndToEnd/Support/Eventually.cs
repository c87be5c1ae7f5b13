namespace Vod.EndToEnd.Support;

/// <summary>Waits on a condition, polling until a deadline: never a fixed sleep.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails naming <paramref name="what"/> and the last value seen.</summary>
    public static async Task<T> WaitAsync<T>(string what, TimeSpan timeout, Func<Task<T?>> probe, TimeSpan? interval = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                last = ex;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}." + (last is null ? string.Empty : " Last error: " + last.Message));
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value (for value types such as JSON elements).</summary>
    public static async Task<T> WaitForValueAsync<T>(string what, TimeSpan timeout, Func<Task<T?>> probe, TimeSpan? interval = null)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(probe);
        var box = await WaitAsync<object>(what, timeout, async () => await probe() is { } value ? value : null, interval);
        return (T)box;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    public static Task UntilAsync(string what, TimeSpan timeout, Func<Task<bool>> condition, TimeSpan? interval = null) =>
        WaitAsync<object>(what, timeout, async () => await condition() ? new object() : null, interval);
}
