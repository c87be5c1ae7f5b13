using Vod.Alibaba.Hashing;

namespace Vod.Alibaba.Tests.Unit;

public sealed class Crc64Tests
{
    [Fact]
    public void Combine_of_parts_equals_the_crc_of_the_whole_for_random_splits()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 50; trial++)
        {
            // Arrange
            var data = new byte[random.Next(0, 20_000)];
            random.NextBytes(data);
            var cuts = Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(0, data.Length + 1)).Append(0).Append(data.Length).Distinct().Order().ToList();

            // Act
            ulong combined = 0;
            for (var i = 0; i + 1 < cuts.Count; i++)
            {
                var part = data.AsSpan(cuts[i], cuts[i + 1] - cuts[i]);
                combined = Crc64Ecma.Combine(combined, Crc64Ecma.Compute(part), part.Length);
            }

            // Assert
            Assert.Equal(Crc64Ecma.Compute(data), combined);
        }
    }

    [Fact]
    public void Incremental_appends_equal_one_shot()
    {
        var data = new byte[100_003];
        new Random(3).NextBytes(data);
        var crc = new Crc64Ecma();
        for (var offset = 0; offset < data.Length; offset += 7_919)
        {
            crc.Append(data.AsSpan(offset, Math.Min(7_919, data.Length - offset)));
        }

        Assert.Equal(Crc64Ecma.Compute(data), crc.Value);
        Assert.Equal(data.Length, crc.Length);
    }

    [Fact]
    public void Combine_handles_large_lengths_without_the_data()
    {
        // Appending N zero bytes to A changes its CRC exactly as Combine(A, crc(zeros), N) predicts.
        var a = "VodFunctions"u8.ToArray();
        var zeros = new byte[1 << 20];
        var whole = a.Concat(zeros).ToArray();

        Assert.Equal(Crc64Ecma.Compute(whole), Crc64Ecma.Combine(Crc64Ecma.Compute(a), Crc64Ecma.Compute(zeros), zeros.Length));
    }

    [Fact]
    public void Every_length_and_alignment_matches_a_bit_by_bit_reference()
    {
        // Below 256 bytes the tables run, from 256 on the carry-less folding (where the processor has it): every length
        // around the fold sizes, at every alignment, and a few large buffers, against the definition itself.
        var random = new Random(11);
        var data = new byte[(1 << 20) + 64];
        random.NextBytes(data);
        var lengths = Enumerable.Range(0, 1100).Concat([4095, 4096, 4097, 65_535, 1 << 20]);
        foreach (var length in lengths)
        {
            var offset = length % 17;
            var span = data.AsSpan(offset, length);
            Assert.True(BitByBit(span) == Crc64Ecma.Compute(span), $"length {length}, offset {offset}");
        }

        var streamed = new Crc64Ecma();
        streamed.Append(data.AsSpan(0, 300));
        streamed.Append(data.AsSpan(300, 5));
        streamed.Append(data.AsSpan(305));
        Assert.Equal(BitByBit(data), streamed.Value);
    }

    [Fact]
    public void The_check_value_holds_on_either_path()
    {
        // CRC-64/XZ of "123456789" is 0x995DC9BBDF1939FA; repeated 40 times the input takes the folding path.
        var check = "123456789"u8.ToArray();
        var repeated = Enumerable.Repeat(check, 40).SelectMany(b => b).ToArray();

        Assert.Equal(0x995DC9BBDF1939FAUL, Crc64Ecma.Compute(check));
        Assert.Equal(BitByBit(repeated), Crc64Ecma.Compute(repeated));
    }

    private static ulong BitByBit(ReadOnlySpan<byte> data)
    {
        var crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xC96C5795D7870F42UL : crc >> 1;
            }
        }

        return ~crc;
    }

    [Theory]
    [InlineData("11051210869376104954", 11051210869376104954UL)]
    [InlineData("0", 0UL)]
    [InlineData("-1", null)]
    [InlineData("abc", null)]
    [InlineData(null, null)]
    public void Header_values_parse_as_unsigned_decimal(string? header, ulong? expected)
    {
        Assert.Equal(expected, Crc64Ecma.Parse(header));
    }
}
