using System.Diagnostics;
using System.Globalization;

namespace Vod.Benchmarks;

/// <summary>What one client process cost: its wall time as it reported it, CPU (user + system) and peak resident set.</summary>
internal sealed record ProcessCost(double UserSeconds, double SystemSeconds, long PeakRssBytes)
{
    public double CpuSeconds => UserSeconds + SystemSeconds;
}

/// <summary>Reads what the kernel knows about processes and the machine (<c>/proc</c>), and runs commands under <c>time</c>.</summary>
internal static class Measured
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The 1-minute load average now.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>CPU seconds (user + system) a live process has used so far.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The peak resident set the kernel recorded for a live process (VmHWM).</summary>
    public static long PeakRssBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The resident set of a live process now (VmRSS).</summary>
    public static long RssBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Starts a new peak for <see cref="PeakRssBytes"/> (writing 5 to clear_refs resets VmHWM to the current RSS).</summary>
    public static void ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Runs a command under GNU time; answers its standard output and what it cost.</summary>
    public static async Task<(string Stdout, ProcessCost Cost)> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var report = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("/usr/bin/time", ["-f", "%U %S %M", "-o", report, file, .. arguments])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            };
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments.Take(2))} failed ({process.ExitCode}): {(await stderr).Trim()}");
            }

            var figures = (await File.ReadAllTextAsync(report)).Trim().Split('\n')[^1].Split(' ');
            return (await stdout, new ProcessCost(
                double.Parse(figures[0], CultureInfo.InvariantCulture),
                double.Parse(figures[1], CultureInfo.InvariantCulture),
                long.Parse(figures[2], CultureInfo.InvariantCulture) * 1024));
        }
        finally
        {
            File.Delete(report);
        }
    }
}
