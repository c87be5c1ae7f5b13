namespace Vod.EndToEnd.Support;

/// <summary>
/// A test that needs a Functions host. Where none is found it is skipped with the reason on one line, unless
/// <c>VOD_E2E_REQUIRED=1</c> (CI): then it runs, and fails saying that no host was found.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HostFactAttribute : FactAttribute
{
    /// <summary>Skips when no host is found and the suite is not required.</summary>
    public HostFactAttribute()
    {
        var (host, reason) = FunctionsHostLocator.Find();
        if (host is null && Environment.GetEnvironmentVariable(FunctionsHostLocator.RequiredVariable) != "1")
        {
            Skip = reason;
        }
    }
}
