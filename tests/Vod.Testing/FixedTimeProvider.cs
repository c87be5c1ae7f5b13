namespace Vod.Testing;

/// <summary>A clock frozen at one instant (what the official clients were frozen at).</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
