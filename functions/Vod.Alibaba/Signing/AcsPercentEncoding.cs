using System.Text;

namespace Vod.Alibaba.Signing;

/// <summary>
/// Percent-encoding rules used by Alibaba Cloud signatures.
/// </summary>
public static class AcsPercentEncoding
{
    /// <summary>
    /// RFC 3986 encoding of the UTF-8 bytes: only <c>A–Z a–z 0–9 - _ . ~</c> stay literal, every other byte becomes
    /// <c>%XY</c> with upper-case hex (so a space is <c>%20</c>, never <c>+</c>). This is the encoding of the VOD/STS
    /// RPC signature (V2) and of the ACS3 canonical query (V3) and OSS V4.
    /// </summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return EncodeCore(value, static b => IsUnreserved(b));
    }

    /// <summary>
    /// Encodes an OSS object key for the request path exactly as ali-oss puts it on the wire (JavaScript
    /// <c>encodeURIComponent</c>, then Node's URL formatting escapes <c>'</c>): unreserved characters and
    /// <c>! ( ) *</c> stay literal, <c>/</c> separates segments.
    /// </summary>
    public static string EncodeObjectKeyPath(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return EncodeCore(key, static b => IsUnreserved(b) || b is (byte)'!' or (byte)'(' or (byte)')' or (byte)'*' or (byte)'/');
    }

    /// <summary>Encodes a path for an OSS V4 canonical URI: RFC 3986, keeping <c>/</c>.</summary>
    public static string EncodeKeepingSlash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return EncodeCore(value, static b => IsUnreserved(b) || b == (byte)'/');
    }

    private static bool IsUnreserved(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static string EncodeCore(string value, Func<byte, bool> keepLiteral)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (keepLiteral(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    private const string HexUpper = "0123456789ABCDEF";
}
