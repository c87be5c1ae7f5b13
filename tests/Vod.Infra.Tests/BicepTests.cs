using System.Diagnostics;
using System.Text.Json;
using Vod.Functions;
using Vod.Testing;

namespace Vod.Infra.Tests;

/// <summary>
/// The infrastructure compiles and lints clean with the Bicep CLI from NuGet, and sets exactly the settings the app
/// reads: none missing, none misspelled, no secret in a default or an output.
/// </summary>
public sealed class BicepTests
{
    private static readonly string Main = Path.Combine(RepositoryPaths.Root, "infra", "main.bicep");

    /// <summary>Settings that exist only for local runs (Azurite, the emulator, the polling trigger).</summary>
    private static readonly HashSet<string> LocalOnly = new(StringComparer.Ordinal)
    {
        "FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage", "AzureWebJobs.BlobIngestEventGrid.Disabled",

        // Spans and metrics on the worker's console: for local development; in Azure they go to Application Insights.
        "Vod__TelemetryConsole",
    };

    private static string Bicep()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        Assert.True(File.Exists(bicep), $"The Bicep CLI is not restored at {bicep}; run the README test command.");
        if (!OperatingSystem.IsWindows())
        {
            // NuGet does not keep the executable bit.
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        return bicep;
    }

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(Bicep(), args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    private static JsonElement Compiled()
    {
        var (exit, stdout, stderr) = Run("build", Main, "--stdout");
        Assert.True(exit == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [Fact]
    public void Bicep_builds_and_lints_with_zero_errors_and_zero_warnings()
    {
        var (buildExit, _, buildErrors) = Run("build", Main, "--stdout");
        var (lintExit, lintOut, lintErrors) = Run("lint", Main);

        Assert.Equal(0, buildExit);
        Assert.Equal(string.Empty, buildErrors.Trim());
        Assert.Equal(0, lintExit);
        Assert.Equal(string.Empty, (lintOut + lintErrors).Trim());
    }

    [Fact]
    public void Every_setting_the_app_reads_is_set_and_none_is_misspelled()
    {
        var template = Compiled();
        var appModule = Resources(template).Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString() == "app");
        var site = Resources(appModule.GetProperty("properties").GetProperty("template")).Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var deployed = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .Select(s => s.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")));
        var readByApp = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();
        var options = typeof(VodFunctionsOptions).GetProperties().Select(p => "Vod__" + p.Name).ToHashSet(StringComparer.Ordinal);

        Assert.All(readByApp.Where(s => !LocalOnly.Contains(s)), setting => Assert.Contains(setting, deployed));
        Assert.All(deployed.Where(s => s.StartsWith("Vod__", StringComparison.Ordinal)), setting => Assert.Contains(setting, options));
        Assert.All(options.Where(o => !LocalOnly.Contains(o)), option => Assert.Contains(option, readByApp));
        Assert.Contains("AzureWebJobsStorage__credential", deployed);
        Assert.Contains("AzureWebJobs.BlobIngest.Disabled", deployed);
        Assert.DoesNotContain("AzureWebJobsStorage", deployed);
    }

    [Fact]
    public void Pull_mode_gets_the_delegator_role_at_the_account_and_read_on_the_source_container_only()
    {
        const string delegator = "db58b8e5-c6ad-4a2a-8342-4190687cbf4a";
        const string reader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
        var template = Compiled();
        var rolesModule = Resources(template).Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString() == "roles");
        var moduleTemplate = rolesModule.GetProperty("properties").GetProperty("template");
        var roleIds = moduleTemplate.GetProperty("variables").GetProperty("roles").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

        // roleDefinitionId is an expression over the module's role table: resolved to the role's GUID.
        string Resolve(string expression) =>
            System.Text.RegularExpressions.Regex.Replace(expression, @"variables\('roles'\)\.(\w+)", m => roleIds[m.Groups[1].Value]);
        var assignments = Resources(moduleTemplate)
            .Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
            .Select(r => (Role: Resolve(r.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!), Scope: r.TryGetProperty("scope", out var scope) ? scope.GetString()! : string.Empty))
            .ToList();
        var passed = rolesModule.GetProperty("properties").GetProperty("parameters");

        var delegation = Assert.Single(assignments, a => a.Role.Contains(delegator, StringComparison.Ordinal));
        var read = Assert.Single(assignments, a => a.Role.Contains(reader, StringComparison.Ordinal));
        Assert.Contains("Microsoft.Storage/storageAccounts'", delegation.Scope, StringComparison.Ordinal);
        Assert.DoesNotContain("containers", delegation.Scope, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage/storageAccounts/blobServices/containers'", read.Scope, StringComparison.Ordinal);
        Assert.Contains("incomingContainer", passed.GetProperty("incomingContainer").GetProperty("value").GetString(), StringComparison.Ordinal);

        // Nothing broader than before: no Contributor, Owner or account-key role appears for pull mode.
        Assert.DoesNotContain(assignments, a => a.Role.Contains("b24988ac-6180-42a0-ab88-20f7382dd24c", StringComparison.Ordinal) // Contributor
            || a.Role.Contains("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", StringComparison.Ordinal) // Owner
            || a.Role.Contains("81a9662b-bebf-436f-a333-f67b29880f12", StringComparison.Ordinal)); // Storage Account Key Operator
    }

    /// <summary>A template's resources, whether compiled as an array or as symbolic names.</summary>
    private static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray() : resources.EnumerateObject().Select(p => p.Value);
    }

    [Fact]
    public void Secrets_have_no_default_are_secure_and_appear_in_no_output()
    {
        var template = Compiled();
        var parameters = template.GetProperty("parameters");
        foreach (var secret in new[] { "vodAccessKeySecret", "vodCallbackAuthKey" })
        {
            var parameter = parameters.GetProperty(secret);
            Assert.Equal("securestring", parameter.GetProperty("type").GetString());
            Assert.False(parameter.TryGetProperty("defaultValue", out _));
        }

        var outputs = template.GetProperty("outputs").GetRawText();
        Assert.DoesNotContain("listKeys", outputs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret", outputs, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("VOD_CALLBACK_URL", outputs);
        Assert.Contains("/api/vod/callback", outputs);
    }
}
