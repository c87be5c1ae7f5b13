namespace Vod.Upload.Steps;

/// <summary>
/// The part buffers of every upload in this process — the CLI's one upload, or all the part batches a Functions worker
/// runs at once — under one byte budget. <see cref="System.Buffers.ArrayPool{T}"/> does not fit: its shared pool keeps
/// nothing above 1 MiB, and <c>ArrayPool.Create</c> rounds sizes up to powers of two (a 9 MiB part would hold 16 MiB)
/// and keeps its arrays for the pool's lifetime, so one pool per batch left the large-object heap full of 8 MiB arrays
/// no one would rent again until a full collection. Here a buffer is exactly the size first asked for, reused by any
/// later part of the same or a smaller size (parts of one upload share a size; only the last is shorter), and the
/// bytes held — rented plus kept for reuse — stay within the budget: a rent that would exceed it waits for a return,
/// except when nothing is rented (a single part larger than the budget still goes through, alone).
/// </summary>
internal sealed class PartBufferPool
{
    // A kept buffer more than twice the size asked for is not lent out for it: it would hold memory the part does not use.
    private const int MaxSlack = 2;

    private readonly Lock _gate = new();
    private readonly List<byte[]> _free = [];
    private readonly List<TaskCompletionSource> _waiters = [];
    private long _rented;
    private long _kept;

    /// <summary>Creates a pool holding at most <paramref name="budgetBytes"/> of buffers.</summary>
    public PartBufferPool(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, 1);
        BudgetBytes = budgetBytes;
    }

    /// <summary>
    /// The process's pool. Its budget is a quarter of the memory the GC may use (the container's or the machine's), at
    /// least 64 MiB: on a 2 GB Flex Consumption instance 512 MiB, room for the default 4 activities × 5 parts × 8 MiB
    /// (160 MiB) three times over, while a misjudged host.json waits instead of running out of memory.
    /// </summary>
    public static PartBufferPool Shared { get; } = new(Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4));

    /// <summary>Most bytes of buffers held at once, rented or kept.</summary>
    public long BudgetBytes { get; }

    /// <summary>Bytes of buffers rented now.</summary>
    public long RentedBytes
    {
        get
        {
            lock (_gate)
            {
                return _rented;
            }
        }
    }

    /// <summary>Bytes of buffers kept for reuse now.</summary>
    public long KeptBytes
    {
        get
        {
            lock (_gate)
            {
                return _kept;
            }
        }
    }

    /// <summary>A buffer of at least <paramref name="length"/> bytes; waits while the budget is spent. Return it with <see cref="Return"/>.</summary>
    public async ValueTask<byte[]> RentAsync(int length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (TakeKept(length) is { } kept)
                {
                    _rented += kept.Length;
                    return kept;
                }

                // Make room by dropping kept buffers that do not fit this part (the GC reclaims them), then allocate.
                while (_rented + _kept + length > BudgetBytes && _free.Count > 0)
                {
                    _kept -= _free[^1].Length;
                    _free.RemoveAt(_free.Count - 1);
                }

                if (_rented + length <= BudgetBytes || _rented == 0)
                {
                    _rented += length;
                    break;
                }

                var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(waiter);
                wait = waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return GC.AllocateUninitializedArray<byte>(length);
        }
        catch
        {
            Release(length);
            throw;
        }
    }

    /// <summary>Gives a rented buffer back: kept for the next part when the budget allows, else left to the GC.</summary>
    public void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Release(buffer.Length, buffer);
    }

    // Takes the bytes off the rented count (keeping the buffer when it fits the budget) and lets every waiter look
    // again; those the budget still does not admit wait once more.
    private void Release(int length, byte[]? keep = null)
    {
        List<TaskCompletionSource> woken;
        lock (_gate)
        {
            _rented -= length;
            if (keep is not null && _rented + _kept + keep.Length <= BudgetBytes)
            {
                _free.Add(keep);
                _kept += keep.Length;
            }

            woken = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult();
        }
    }

    // The smallest kept buffer that holds length bytes without too much slack.
    private byte[]? TakeKept(int length)
    {
        var best = -1;
        for (var i = 0; i < _free.Count; i++)
        {
            var size = _free[i].Length;
            if (size >= length && (long)size <= (long)length * MaxSlack && (best < 0 || size < _free[best].Length))
            {
                best = i;
            }
        }

        if (best < 0)
        {
            return null;
        }

        var buffer = _free[best];
        _free.RemoveAt(best);
        _kept -= buffer.Length;
        return buffer;
    }
}
