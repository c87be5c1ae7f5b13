namespace Vod.Functions.Api;

/// <summary>
/// Checks container and blob names before they reach Azure Storage, which refuses bad ones with
/// <c>InvalidResourceName</c> (or resolves <c>..</c> segments to another blob): a bad name is the caller's mistake and
/// gets a 400 problem, never a storage exception.
/// </summary>
public static class BlobNames
{
    /// <summary>Why <paramref name="container"/> is not a container name (3–63 lowercase letters, digits and single inner hyphens), or null.</summary>
    public static string? ContainerProblem(string container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.Length is < 3 or > 63)
        {
            return "A container name has 3 to 63 characters.";
        }

        if (!container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            return "A container name has only lowercase letters, digits and hyphens.";
        }

        if (container[0] == '-' || container[^1] == '-' || container.Contains("--", StringComparison.Ordinal))
        {
            return "A container name starts and ends with a letter or digit and has no two hyphens in a row.";
        }

        return null;
    }

    /// <summary>Why <paramref name="name"/> is not a blob name this app accepts (1–1024 characters, no empty, <c>.</c> or <c>..</c> segment, no control character), or null.</summary>
    public static string? BlobProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > 1024)
        {
            return "A blob name has at most 1024 characters.";
        }

        if (name.Any(char.IsControl) || name.Contains('\\', StringComparison.Ordinal))
        {
            return "A blob name has no control characters or backslashes.";
        }

        // Storage clients normalise "a/../b" to another blob; "a//b" and a leading "/" name nothing a trigger delivers.
        if (name.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return "A blob name has no empty, '.' or '..' path segments.";
        }

        return null;
    }
}
