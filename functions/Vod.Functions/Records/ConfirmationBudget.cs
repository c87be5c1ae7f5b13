namespace Vod.Functions.Records;

/// <summary>
/// How many VOD API confirmations this instance may start: a token bucket refilled at
/// <see cref="VodFunctionsOptions.ConfirmationsPerSecond"/> holding at most twice that. Callback bodies are not signed,
/// so any body can ride on a signature seen once: without a budget, a flood of forged hints would spend the account's
/// API quota (VOD limits calls per account), which real uploads need.
/// </summary>
public sealed class ConfirmationBudget(double perSecond, TimeProvider time)
{
    private readonly object _sync = new();
    private readonly double _capacity = Math.Max(1, perSecond * 2);
    private double _tokens = Math.Max(1, perSecond * 2);
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes one confirmation from the budget; false when it is spent for now.</summary>
    public bool TryTake()
    {
        lock (_sync)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond);
            _refilledAt = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
