using System.Globalization;
using System.Runtime.InteropServices;

namespace Vod.Upload.Sources;

/// <summary>
/// How a local file is recognised. Its <see cref="Of">version</see> — size and modification time — names its checkpoint
/// (stable across reboots, remounts and copies of the checkpoint folder). Its <see cref="FingerprintOf">fingerprint</see>
/// catches what the version cannot: on Linux size, modification and status-change time to the nanosecond, and inode —
/// the change time cannot be set back by a user, so content rewritten with its size and modification time restored has
/// another fingerprint. Elsewhere the fingerprint adds the creation time.
/// </summary>
internal static partial class FileVersion
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>The version of <paramref name="info"/>'s file: its size and modification time.</summary>
    public static string Of(FileInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Refresh();
        return string.Create(CultureInfo.InvariantCulture, $"{info.Length}@{info.LastWriteTimeUtc.Ticks}");
    }

    /// <summary>The fingerprint of <paramref name="info"/>'s file (refreshed first).</summary>
    public static string FingerprintOf(FileInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Refresh();
        if (OperatingSystem.IsLinux() && TryStatx(info.FullName, out var stat))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{stat.Size}@{stat.MtimeSec}.{stat.MtimeNsec:D9}@c{stat.CtimeSec}.{stat.CtimeNsec:D9}@i{stat.Ino}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{info.Length}@{info.LastWriteTimeUtc.Ticks}@b{info.CreationTimeUtc.Ticks}");
    }

    private static unsafe bool TryStatx(string path, out Statx stat)
    {
        // struct statx has one layout on every architecture (fixed-width fields), unlike struct stat.
        var buffer = stackalloc byte[256];
        stat = default;
        try
        {
            if (statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a C library older than glibc 2.28
        }

        stat = new Statx(
            Ino: *(ulong*)(buffer + 32),
            Size: *(ulong*)(buffer + 40),
            CtimeSec: *(long*)(buffer + 96),
            CtimeNsec: *(uint*)(buffer + 104),
            MtimeSec: *(long*)(buffer + 112),
            MtimeNsec: *(uint*)(buffer + 120));
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);

    private readonly record struct Statx(ulong Ino, ulong Size, long CtimeSec, uint CtimeNsec, long MtimeSec, uint MtimeNsec);
}
