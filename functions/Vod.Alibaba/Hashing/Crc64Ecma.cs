using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vod.Alibaba.Hashing;

/// <summary>
/// CRC-64/XZ, the variant OSS calls <c>crc64ecma</c> and returns in <c>x-oss-hash-crc64ecma</c>: reflected polynomial
/// <c>0xC96C5795D7870F42</c>, initial value and final XOR all ones. Incremental, with <see cref="Combine"/> so the CRC
/// of a multipart object can be computed from the CRCs of its parts. Long inputs are folded with carry-less
/// multiplication (PCLMULQDQ) where the processor has it, several times faster than the tables; every part of an
/// upload is hashed, so this is on the hot path.
/// </summary>
public sealed class Crc64Ecma
{
    private const ulong ReflectedPolynomial = 0xC96C5795D7870F42UL;

    /// <summary>Below this many bytes the tables are as fast as folding.</summary>
    private const int FoldingThreshold = 256;

    private static readonly ulong[][] Tables = BuildTables();

    // Folding constants x^(d+63) mod P and x^(d-1) mod P for a fold over d bits (reflected), taken from the table
    // implementation itself: a message of one set bit followed by zeros leaves exactly x^(bits+63) mod P behind.
    private static readonly Vector128<ulong> Fold128Bits = FoldConstants(128);
    private static readonly Vector128<ulong> Fold512Bits = FoldConstants(512);

    private ulong _state = ulong.MaxValue;

    /// <summary>Total bytes appended so far.</summary>
    public long Length { get; private set; }

    /// <summary>The CRC of everything appended so far.</summary>
    public ulong Value => ~_state;

    /// <summary>Appends bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _state = Update(_state, data);
        Length += data.Length;
    }

    /// <summary>Computes the CRC of <paramref name="data"/> in one call.</summary>
    public static ulong Compute(ReadOnlySpan<byte> data) => ~Update(ulong.MaxValue, data);

    /// <summary>Formats a CRC the way OSS sends it: the unsigned value in decimal.</summary>
    public static string Format(ulong crc) => crc.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses an <c>x-oss-hash-crc64ecma</c> header value; <see langword="null"/> when absent or malformed.</summary>
    public static ulong? Parse(string? headerValue) =>
        ulong.TryParse(headerValue, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>
    /// Returns the CRC of the concatenation A‖B given <c>crc(A)</c>, <c>crc(B)</c> and the length of B (zlib's
    /// GF(2) matrix method, O(log lengthB)).
    /// </summary>
    public static ulong Combine(ulong crcA, ulong crcB, long lengthB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthB);
        if (lengthB == 0)
        {
            return crcA;
        }

        var even = new ulong[64];
        var odd = new ulong[64];

        // Operator for one zero bit in odd.
        odd[0] = ReflectedPolynomial;
        ulong row = 1;
        for (var n = 1; n < 64; n++)
        {
            odd[n] = row;
            row <<= 1;
        }

        Gf2MatrixSquare(even, odd); // two zero bits
        Gf2MatrixSquare(odd, even); // four zero bits

        // Apply len2 zero bytes to crc1 (first square puts the operator for one zero byte, eight zero bits, in even).
        var len = lengthB;
        do
        {
            Gf2MatrixSquare(even, odd);
            if ((len & 1) != 0)
            {
                crcA = Gf2MatrixTimes(even, crcA);
            }

            len >>= 1;
            if (len == 0)
            {
                break;
            }

            Gf2MatrixSquare(odd, even);
            if ((len & 1) != 0)
            {
                crcA = Gf2MatrixTimes(odd, crcA);
            }

            len >>= 1;
        }
        while (len != 0);

        return crcA ^ crcB;
    }

    private static ulong Gf2MatrixTimes(ulong[] matrix, ulong vector)
    {
        ulong sum = 0;
        var i = 0;
        while (vector != 0)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }

            vector >>= 1;
            i++;
        }

        return sum;
    }

    private static void Gf2MatrixSquare(ulong[] square, ulong[] matrix)
    {
        for (var n = 0; n < 64; n++)
        {
            square[n] = Gf2MatrixTimes(matrix, matrix[n]);
        }
    }

    private static ulong Update(ulong state, ReadOnlySpan<byte> data) =>
        Pclmulqdq.IsSupported && data.Length >= FoldingThreshold ? UpdateFolded(state, data) : UpdateWithTables(state, data);

    /// <summary>
    /// The message is kept as a pending 128-bit block V whose CRC from state zero, followed by the rest of the message,
    /// equals the CRC sought. Moving V forward over d bits multiplies it by x^d: v0·x^(d+64) + v1·x^d, which two
    /// carry-less products with constants congruent to x^(d+63) and x^(d-1) give (the product of two reflected values
    /// carries one extra factor x). Four blocks advance together (d = 512) so the multiplications overlap; at the end
    /// they fold into one, which the tables reduce with the tail.
    /// </summary>
    private static ulong UpdateFolded(ulong state, ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var x0 = Load(ref start, 0) ^ Vector128.CreateScalar(state);
        var x1 = Load(ref start, 16);
        var x2 = Load(ref start, 32);
        var x3 = Load(ref start, 48);
        var offset = 64;
        for (; data.Length - offset >= 64; offset += 64)
        {
            x0 = Fold(x0, Fold512Bits) ^ Load(ref start, offset);
            x1 = Fold(x1, Fold512Bits) ^ Load(ref start, offset + 16);
            x2 = Fold(x2, Fold512Bits) ^ Load(ref start, offset + 32);
            x3 = Fold(x3, Fold512Bits) ^ Load(ref start, offset + 48);
        }

        var pending = Fold(Fold(Fold(x0, Fold128Bits) ^ x1, Fold128Bits) ^ x2, Fold128Bits) ^ x3;
        for (; data.Length - offset >= 16; offset += 16)
        {
            pending = Fold(pending, Fold128Bits) ^ Load(ref start, offset);
        }

        Span<byte> block = stackalloc byte[16];
        pending.AsByte().CopyTo(block);
        return UpdateWithTables(UpdateWithTables(0, block), data[offset..]);
    }

    // x86 is little-endian: a loaded block's low half is the block's first eight bytes, as the tables read them.
    private static Vector128<ulong> Load(ref byte start, int offset) => Vector128.LoadUnsafe(ref start, (nuint)offset).AsUInt64();

    private static Vector128<ulong> Fold(Vector128<ulong> pending, Vector128<ulong> constants) =>
        Pclmulqdq.CarrylessMultiply(pending, constants, 0x00) ^ Pclmulqdq.CarrylessMultiply(pending, constants, 0x11);

    private static Vector128<ulong> FoldConstants(int bits)
    {
        static ulong XPowerMod(int messageBytes)
        {
            var message = new byte[messageBytes];
            message[0] = 1;
            return UpdateWithTables(0, message);
        }

        return Vector128.Create(XPowerMod(bits / 8), XPowerMod((bits - 64) / 8));
    }

    private static ulong UpdateWithTables(ulong state, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        var t0 = t[0];
        var t1 = t[1];
        var t2 = t[2];
        var t3 = t[3];
        var t4 = t[4];
        var t5 = t[5];
        var t6 = t[6];
        var t7 = t[7];
        while (data.Length >= 8)
        {
            state ^= BinaryPrimitives.ReadUInt64LittleEndian(data);
            state = t7[state & 0xFF] ^ t6[(state >> 8) & 0xFF] ^ t5[(state >> 16) & 0xFF] ^ t4[(state >> 24) & 0xFF]
                ^ t3[(state >> 32) & 0xFF] ^ t2[(state >> 40) & 0xFF] ^ t1[(state >> 48) & 0xFF] ^ t0[state >> 56];
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = t0[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    private static ulong[][] BuildTables()
    {
        var tables = new ulong[8][];
        for (var k = 0; k < 8; k++)
        {
            tables[k] = new ulong[256];
        }

        for (ulong i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }

            tables[0][i] = crc;
        }

        for (var i = 0; i < 256; i++)
        {
            for (var k = 1; k < 8; k++)
            {
                var previous = tables[k - 1][i];
                tables[k][i] = tables[0][previous & 0xFF] ^ (previous >> 8);
            }
        }

        return tables;
    }
}
