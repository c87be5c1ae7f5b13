namespace Vod.Upload.Ports;

/// <summary>
/// A part's bytes in a pooled buffer, readable while they are still arriving from the source: a request can start
/// sending the first bytes while the rest are read (and hashed), and a retry reads the same buffer again without
/// touching the source. Each <see cref="OpenRead"/> gives an independent reader from the first byte.
/// </summary>
public sealed class PartBody
{
    private readonly byte[] _buffer;
    private readonly TaskCompletionSource _filled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _available;

    /// <summary>A body of <paramref name="length"/> bytes to be written into <paramref name="buffer"/> by <see cref="Advance"/>.</summary>
    public PartBody(byte[] buffer, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        _buffer = buffer;
        Length = length;
        if (length == 0)
        {
            _filled.SetResult();
        }
    }

    /// <summary>Bytes in the part.</summary>
    public int Length { get; }

    /// <summary>Completes when every byte is in; faults with the source's failure when the read failed.</summary>
    public Task Filled => _filled.Task;

    /// <summary>The buffer being filled: the source writes at <see cref="Available"/> and then calls <see cref="Advance"/>.</summary>
    internal Memory<byte> Unfilled => _buffer.AsMemory(Available, Length - Available);

    /// <summary>Bytes filled so far.</summary>
    public int Available => Volatile.Read(ref _available);

    /// <summary>A stream over the part from its first byte; a read past the bytes filled so far waits for them.</summary>
    public Stream OpenRead() => new Reader(this);

    /// <summary>Marks <paramref name="count"/> more bytes as filled and wakes the readers waiting for them.</summary>
    internal void Advance(int count)
    {
        var available = Available + count;
        if (count < 0 || available > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "More bytes than the part holds.");
        }

        // The count is published before the signal is swapped: a reader that took the old signal is woken by it, one
        // that took the new one reads the new count.
        Volatile.Write(ref _available, available);
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (available == Length)
        {
            _filled.TrySetResult();
        }
    }

    /// <summary>Ends the fill with the source's failure; readers waiting for bytes fail with an <see cref="IOException"/>.</summary>
    internal void Fail(Exception failure)
    {
        _filled.TrySetException(failure);
        Volatile.Read(ref _progress).TrySetResult();
    }

    private async ValueTask<int> ReadAtAsync(int position, Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _progress);
            var available = Available;
            if (position < available || position >= Length)
            {
                var n = Math.Min(destination.Length, available - position);
                _buffer.AsSpan(position, Math.Max(0, n)).CopyTo(destination.Span);
                return Math.Max(0, n);
            }

            if (_filled.Task.IsFaulted)
            {
                throw new IOException("The part could not be read from the source.", _filled.Task.Exception?.InnerException);
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Reader(PartBody body) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => body.Length;

        public override long Position
        {
            get => _position;
            set => _position = (int)Math.Clamp(value, 0, body.Length);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await body.ReadAtAsync(_position, buffer, cancellationToken).ConfigureAwait(false);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => body.Length + offset,
            };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
