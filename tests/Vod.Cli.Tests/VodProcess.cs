using System.Diagnostics;
using System.Text;

namespace Vod.Cli.Tests;

/// <summary>Runs <c>vod</c> as a separate process, as a user would.</summary>
public sealed class VodProcess : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private VodProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    private static readonly Lazy<string> Installed = new(InstallTool);

    /// <summary>
    /// The <c>vod</c> command as users get it: the CLI, built in the tests' configuration, packed as a .NET tool and
    /// installed (once per test run) into a folder of its own with <c>dotnet tool install --tool-path</c>.
    /// </summary>
    public static string Vod => Installed.Value;

    private static string InstallTool()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = Directory.CreateTempSubdirectory("vod-tool-").FullName;
        var feed = Path.Combine(root, "feed");
        Run("dotnet", "pack", Path.Combine(Testing.RepositoryPaths.Root, "functions", "Vod.Cli", "Vod.Cli.csproj"), "-c", configuration, "--no-build", "-o", feed, "--nologo");
        var package = Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "vod.*.nupkg").Single());
        Run("dotnet", "tool", "install", "vod", "--tool-path", Path.Combine(root, "tools"), "--add-source", feed, "--version", package["vod.".Length..]);
        return Path.Combine(root, "tools", "vod");
    }

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed ({process.ExitCode}): {output.Result}{error}");
        }
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static VodProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        // As from a terminal, SIGINT (Ctrl+C) must reach vod: a runner started in the background (a script's '&', some
        // CI agents) ignores SIGINT, and children inherit that, so the program would never see the interrupt.
        var start = new ProcessStartInfo("env", ["--default-signal=INT", Vod, .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in new[] { "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_VOD_ENDPOINT" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new VodProcess(Process.Start(start)!);
    }

    /// <summary>Runs vod with a pseudo-terminal as its stdout (util-linux 'script'), as a person at a terminal would; returns what the terminal showed.</summary>
    public static async Task<(int ExitCode, string Screen)> RunInTerminalAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var line = string.Join(' ', new[] { Vod }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo("script", ["-qefc", line, "/dev/null"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["TERM"] = "xterm-256color";
        start.Environment["COLUMNS"] = "120";
        using var process = new VodProcess(Process.Start(start)!);
        return (await process.WaitAsync(TimeSpan.FromMinutes(2)), process.Stdout);
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        return (await process.WaitAsync(TimeSpan.FromMinutes(2)), process.Stdout, process.Stderr);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cancel.Token);
        Process.WaitForExit();
        return Process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (SIGINT is what Ctrl+C sends).</summary>
    public void Signal(string name)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + name, Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }
}
