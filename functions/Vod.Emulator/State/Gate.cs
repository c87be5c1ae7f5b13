namespace Vod.Emulator.State;

/// <summary>
/// A switch that holds work at a point until a test lets it go: open by default; <see cref="HoldAfter"/> lets a number
/// of passes through and holds the rest until <see cref="Release"/>. Tests use it instead of latency when they need
/// work to be *in progress* at a given moment (a signal sent mid-upload, a status observed before it moves on), so
/// the outcome does not depend on how fast a loaded machine is.
/// </summary>
public sealed class Gate
{
    private readonly object _sync = new();
    private int? _passesLeft;
    private TaskCompletionSource _released = NewReleased(completed: true);
    private int _held;

    /// <summary>Whether the gate holds (or will hold, once its passes are used).</summary>
    public bool IsHolding
    {
        get
        {
            lock (_sync)
            {
                return _passesLeft is not null;
            }
        }
    }

    /// <summary>How many callers wait at the gate right now.</summary>
    public int Held
    {
        get
        {
            lock (_sync)
            {
                return _held;
            }
        }
    }

    /// <summary>Lets <paramref name="passes"/> more callers through, then holds every later one until released.</summary>
    public void HoldAfter(int passes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(passes);
        lock (_sync)
        {
            _passesLeft = passes;
            if (_released.Task.IsCompleted)
            {
                _released = NewReleased(completed: false);
            }
        }
    }

    /// <summary>Opens the gate: every held caller goes on, and later ones pass.</summary>
    public void Release()
    {
        lock (_sync)
        {
            _passesLeft = null;
            _released.TrySetResult();
        }
    }

    /// <summary>Passes, or waits until the gate is released or <paramref name="cancellationToken"/> fires.</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        Task released;
        lock (_sync)
        {
            if (_passesLeft is null)
            {
                return;
            }

            if (_passesLeft > 0)
            {
                _passesLeft--;
                return;
            }

            released = _released.Task;
            _held++;
        }

        try
        {
            await released.WaitAsync(cancellationToken);
        }
        finally
        {
            lock (_sync)
            {
                _held--;
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> callers are held (a test's "it is in progress now").</summary>
    /// <exception cref="TimeoutException">Not reached within <paramref name="timeout"/>.</exception>
    public async Task WaitUntilHeldAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Held < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Held} of {count} callers held after {timeout}.");
            }

            await Task.Delay(10);
        }
    }

    private static TaskCompletionSource NewReleased(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}
