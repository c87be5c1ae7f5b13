namespace Vod.Testing;

/// <summary>Locates the repository's test tooling from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Tooling => Path.Combine(Root, "tests", "tooling");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "VodFunctions.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("VodFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
