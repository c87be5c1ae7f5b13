using Vod.EndToEnd.Support;

namespace Vod.EndToEnd;

/// <summary>The host is found through FUNCTIONS_HOST_DIR first, then func on the PATH, else a one-line reason.</summary>
public sealed class HostLocatorTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void A_host_folder_wins_over_func_on_the_path()
    {
        var (host, reason) = FunctionsHostLocator.Find(Env(("FUNCTIONS_HOST_DIR", "/opt/host"), ("PATH", "/usr/bin")), path => path is "/opt/host/run.sh" or "/usr/bin/func");

        Assert.Null(reason);
        Assert.Equal(new FunctionsHostCommand(FunctionsHostKind.RunScript, "/opt/host/run.sh"), host);
    }

    [Fact]
    public void Func_on_the_path_is_used_when_no_host_folder_is_set()
    {
        var (host, _) = FunctionsHostLocator.Find(Env(("PATH", "/nothing:/usr/local/bin")), path => path == "/usr/local/bin/func");

        Assert.Equal(new FunctionsHostCommand(FunctionsHostKind.CoreTools, "/usr/local/bin/func"), host);
    }

    [Fact]
    public void A_host_folder_without_run_sh_or_no_host_at_all_is_one_line_saying_why()
    {
        var (badFolder, badReason) = FunctionsHostLocator.Find(Env(("FUNCTIONS_HOST_DIR", "/opt/empty"), ("PATH", "/usr/bin")), path => path == "/usr/bin/func");
        var (none, noneReason) = FunctionsHostLocator.Find(Env(("PATH", "/usr/bin")), _ => false);

        Assert.Null(badFolder);
        Assert.Contains("/opt/empty", badReason);
        Assert.Null(none);
        Assert.Contains("FUNCTIONS_HOST_DIR", noneReason);
        Assert.Contains("func", noneReason);
        Assert.DoesNotContain('\n', noneReason!);
    }
}
