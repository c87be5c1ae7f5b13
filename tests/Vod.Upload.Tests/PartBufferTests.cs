using Vod.Upload.Ports;
using Vod.Upload.Steps;

namespace Vod.Upload.Tests;

/// <summary>The process's part buffers stay within their budget; a part's body can be read while it is filled.</summary>
public sealed class PartBufferTests
{
    private const int MiB = 1 << 20;

    [Fact]
    public async Task Buffers_are_the_size_asked_for_and_reused_by_parts_of_that_size_or_smaller()
    {
        var pool = new PartBufferPool(64 * MiB);
        var nine = await pool.RentAsync(9 * MiB, CancellationToken.None);
        Assert.Equal(9 * MiB, nine.Length); // not rounded up to 16 MiB
        pool.Return(nine);

        var last = await pool.RentAsync(5 * MiB, CancellationToken.None);
        Assert.Same(nine, last);
        var tiny = await pool.RentAsync(MiB, CancellationToken.None);
        Assert.NotSame(nine, tiny); // too much slack: a new buffer of its own size
        Assert.Equal(10L * MiB, pool.RentedBytes);
    }

    [Fact]
    public async Task A_rent_beyond_the_budget_waits_for_a_return()
    {
        var pool = new PartBufferPool(20 * MiB);
        var first = await pool.RentAsync(8 * MiB, CancellationToken.None);
        var second = await pool.RentAsync(8 * MiB, CancellationToken.None);

        var third = pool.RentAsync(8 * MiB, CancellationToken.None).AsTask();
        await Task.Yield();
        Assert.False(third.IsCompleted);

        pool.Return(first);
        Assert.Same(first, await third);
        pool.Return(second);
        Assert.True(pool.RentedBytes + pool.KeptBytes <= pool.BudgetBytes);
    }

    [Fact]
    public async Task A_part_larger_than_the_budget_goes_through_alone()
    {
        var pool = new PartBufferPool(4 * MiB);
        var big = await pool.RentAsync(6 * MiB, CancellationToken.None);
        Assert.Equal(6 * MiB, big.Length);
        pool.Return(big);
        Assert.Equal(0, pool.KeptBytes); // not kept: it would exceed the budget
    }

    [Fact]
    public async Task A_waiting_rent_can_be_cancelled()
    {
        var pool = new PartBufferPool(MiB);
        _ = await pool.RentAsync(MiB, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = pool.RentAsync(MiB, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_body_is_read_as_it_fills_and_again_from_the_start()
    {
        var body = new PartBody(new byte[10], 10);
        await using var reader = body.OpenRead();
        var buffer = new byte[10];

        var pending = reader.ReadAsync(buffer).AsTask();
        await Task.Yield();
        Assert.False(pending.IsCompleted); // nothing filled yet

        new byte[] { 1, 2, 3, 4 }.CopyTo(body.Unfilled);
        body.Advance(4);
        Assert.Equal(4, await pending);
        Enumerable.Range(5, 6).Select(i => (byte)i).ToArray().CopyTo(body.Unfilled);
        body.Advance(6);
        Assert.Equal(6, await reader.ReadAsync(buffer.AsMemory(4)));
        Assert.Equal(0, await reader.ReadAsync(buffer));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (byte)i), buffer);

        await using var again = body.OpenRead();
        var copy = new MemoryStream();
        await again.CopyToAsync(copy);
        Assert.Equal(buffer, copy.ToArray());
    }

    [Fact]
    public async Task A_failed_fill_fails_the_reader_waiting_for_its_bytes()
    {
        var body = new PartBody(new byte[10], 10);
        await using var reader = body.OpenRead();
        var pending = reader.ReadAsync(new byte[10]).AsTask();

        body.Fail(new UploadException(UploadErrorCodes.SourceChanged, "changed", UploadErrorKind.Fatal));

        var error = await Assert.ThrowsAsync<IOException>(() => pending);
        Assert.IsType<UploadException>(error.InnerException);
        Assert.True(body.Filled.IsFaulted);
    }
}
