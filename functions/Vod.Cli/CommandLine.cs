using System.Globalization;

namespace Vod.Cli;

/// <summary>A usage error: exit code 2 with a message.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The parsed command line: a command, positional arguments and <c>--name value</c> options (flags take no value).
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options;

    private CommandLine(string command, List<string> positionals, Dictionary<string, string?> options)
    {
        Command = command;
        Positionals = positionals;
        _options = options;
    }

    public string Command { get; }

    public IReadOnlyList<string> Positionals { get; }

    public bool Help => _options.ContainsKey("help");

    /// <summary>Parses <paramref name="args"/> against the options and flags a command accepts.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, IReadOnlySet<string>> optionsByCommand, IReadOnlySet<string> flags)
    {
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
        {
            // 'vod help upload' is 'vod upload --help'.
            var topic = args.Count > 1 && args[0] == "help" && optionsByCommand.ContainsKey(args[1]) ? args[1] : "help";
            return new CommandLine(topic, [], new Dictionary<string, string?> { ["help"] = null });
        }

        if (args[0] is "--version")
        {
            return new CommandLine("version", [], new Dictionary<string, string?> { ["version"] = null });
        }

        var command = args[0];
        if (!optionsByCommand.TryGetValue(command, out var allowed))
        {
            throw new UsageException($"Unknown command '{command}'. Commands: {string.Join(", ", optionsByCommand.Keys)}.");
        }

        var positionals = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                options["help"] = null;
                continue;
            }

            // The short forms people type: -j 4 is --jobs 4, -p 8 is --parallel 8.
            if (arg is "-j" or "-p")
            {
                arg = arg == "-j" ? "--jobs" : "--parallel";
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (flags.Contains(name))
            {
                // A flag is on by itself; --flag=true and --flag=false say so explicitly.
                switch (value?.ToLowerInvariant())
                {
                    case null or "true":
                        options[name] = null;
                        break;
                    case "false":
                        options.Remove(name);
                        break;
                    default:
                        throw new UsageException($"--{name} takes no value (or =true, =false), not '{value}'.");
                }

                continue;
            }

            if (!allowed.Contains(name))
            {
                throw new UsageException($"'{command}' has no option --{name}. Run 'vod {command} --help'.");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"--{name} needs a value.");
                }

                value = args[++i];
            }

            options[name] = value;
        }

        return new CommandLine(command, positionals, options);
    }

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public long? Long(string name)
    {
        var text = Get(name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} must be a whole number, not '{text}'.");
    }

    public int? Int(string name) => Long(name) is { } value
        ? value is >= int.MinValue and <= int.MaxValue ? (int)value : throw new UsageException($"--{name} is out of range: '{Get(name)}'.")
        : null;

    public TimeSpan? Seconds(string name)
    {
        var text = Get(name);
        if (text is null)
        {
            return null;
        }

        // Finite and at most a day: anything larger is a typo, and TimeSpan cannot hold 1e300 seconds.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds is >= 0 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"--{name} must be a number of seconds from 0 to 86400, not '{text}'.");
    }

    /// <summary>A size: bytes, or with a KiB/MiB/GiB (or K/M/G) suffix.</summary>
    public long? Size(string name)
    {
        var text = Get(name)?.Trim();
        if (text is null)
        {
            return null;
        }

        var units = new (string Suffix, long Factor)[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0 && number * factor < long.MaxValue)
            {
                return (long)(number * factor);
            }
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : throw new UsageException($"--{name} must be a size such as 8MiB or 8388608, not '{text}'.");
    }
}
