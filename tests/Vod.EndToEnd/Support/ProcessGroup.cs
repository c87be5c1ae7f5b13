using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Vod.EndToEnd.Support;

/// <summary>
/// A command started with <c>setsid</c>: the leader of its own process group, so ending the group ends every process
/// it started (the Functions host's worker survives its host otherwise). Everything it prints goes to a log file.
/// </summary>
public sealed class ProcessGroup : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _sync = new();

    private ProcessGroup(Process process, string logPath, StreamWriter log)
    {
        _process = process;
        LogPath = logPath;
        _log = log;
    }

    /// <summary>The leader's process id, which is also the group id.</summary>
    public int Id => _process.Id;

    /// <summary>Where its output goes.</summary>
    public string LogPath { get; }

    /// <summary>Whether the leader has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> in a new session and process group.</summary>
    public static ProcessGroup Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment, string logPath)
    {
        var start = new ProcessStartInfo("setsid", [fileName, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var log = new StreamWriter(logPath, append: true, Encoding.UTF8) { AutoFlush = true };
        var process = Process.Start(start)!;
        var group = new ProcessGroup(process, logPath, log);
        process.OutputDataReceived += (_, e) => group.Write(e.Data);
        process.ErrorDataReceived += (_, e) => group.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return group;
    }

    /// <summary>Everything logged so far.</summary>
    public string ReadLog()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. KILL, TERM) to every process of the group.</summary>
    public void Signal(string signal) => Run("kill", "-s", signal, "--", "-" + Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sends <paramref name="signal"/> to the leader alone.</summary>
    public void SignalLeader(string signal) => Run("kill", "-s", signal, Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>The processes still in the group.</summary>
    public IReadOnlyList<int> Members() => ProcessTable.InGroup(Id);

    /// <summary>SIGKILLs the whole group and waits until none of its processes is left.</summary>
    public async Task KillAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Members().Count > 0 && DateTime.UtcNow < deadline)
        {
            Signal("KILL");
            await Task.Delay(100);
        }

        if (!_process.HasExited)
        {
            await _process.WaitForExitAsync();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        lock (_sync)
        {
            _log.Dispose();
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_sync)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // A last line after the group was torn down.
            }
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
    }
}
