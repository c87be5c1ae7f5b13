namespace Vod.Testing;

/// <summary>A clock frozen at one instant (what the official clients were frozen at): no wall-clock time and no elapsed time passes.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override long GetTimestamp() => 0;
}
