using System.Diagnostics;
using Vod.Testing;

namespace Vod.Emulator.Tests;

/// <summary>The emulator as a program: options from arguments and environment, and a real process serving requests.</summary>
public sealed class StandaloneTests
{
    [Fact]
    public void Options_come_from_arguments_then_environment_with_documented_defaults()
    {
        var environment = new Dictionary<string, string> { ["VOD_EMULATOR_CALLBACK_AUTH_KEY"] = "from-env", ["VOD_EMULATOR_REGION"] = "ap-southeast-1" };

        var options = EmulatorOptions.Parse(["--callback-url", "http://127.0.0.1:7071/api/vod/callback", "--credential-lifetime", "60", "--region", "cn-beijing"], name => environment.GetValueOrDefault(name));

        Assert.Equal(new Uri("http://127.0.0.1:7071/api/vod/callback"), options.CallbackUrl);
        Assert.Equal("from-env", options.CallbackAuthKey);
        Assert.Equal("cn-beijing", options.Region);
        Assert.Equal(TimeSpan.FromSeconds(60), options.CredentialLifetime);
        Assert.Equal(EmulatorOptions.DevAccessKeyId, options.AccessKeyId);
        Assert.Equal(TimeSpan.FromSeconds(3000), new EmulatorOptions().CredentialLifetime);
    }

    [Theory]
    [InlineData("--nope", "x")]
    [InlineData("--callback-url", "not a url")]
    [InlineData("--credential-lifetime", "-5")]
    [InlineData("--region")]
    [InlineData("--bucket", "Not_A_Bucket")]
    [InlineData("--urls", "notaurl")]
    [InlineData("--urls", "ftp://127.0.0.1:21")]
    public void Bad_options_are_refused_with_a_message(params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(args, _ => null));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public async Task It_runs_on_its_own_prints_where_it_listens_and_serves_requests()
    {
        var dll = typeof(EmulatorHost).Assembly.Location;
        var data = Directory.CreateTempSubdirectory("vod-emulator-standalone-").FullName;
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--data-dir", data])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(Testing.Poll.DefaultTimeout);
            Assert.NotNull(first);
            Assert.StartsWith("VOD emulator listening on http://127.0.0.1:", first);
            var baseUri = new Uri(first["VOD emulator listening on ".Length..]);
            var banner = string.Join('\n', Enumerable.Range(0, 5).Select(_ => process.StandardOutput.ReadLine()));
            Assert.Contains(EmulatorOptions.DevAccessKeyId, banner);
            Assert.Contains(EmulatorOptions.DevAccessKeySecret, banner);

            // The README says health answers `ok`: plain text, so `curl -fsS …/_emulator/health` prints just that.
            using var http = new HttpClient();
            using var health = await http.GetAsync(new Uri(baseUri, "_emulator/health"));
            Assert.Equal(200, (int)health.StatusCode);
            Assert.Equal("text/plain", health.Content.Headers.ContentType?.MediaType);
            Assert.Equal("ok", await health.Content.ReadAsStringAsync());

            // SIGTERM (what a service manager or a script's cleanup sends) stops it.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var exited = new CancellationTokenSource(Testing.Poll.DefaultTimeout);
            await process.WaitForExitAsync(exited.Token);
            Assert.True(process.HasExited);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void Kestrel_urls_for_every_address_are_taken_as_they_are()
    {
        var options = EmulatorOptions.Parse(["--urls", "http://*:5080;http://+:5081"], _ => null);

        Assert.Equal("http://*:5080;http://+:5081", options.Urls);
    }

    [Fact]
    public async Task A_port_already_taken_is_one_line_and_exit_2_not_a_crash()
    {
        // Arrange: something listens on the port.
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var dll = typeof(EmulatorHost).Assembly.Location;

        // Act
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        // Assert
        Assert.Equal(2, process.ExitCode);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains($"cannot listen on http://127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_exit_with_code_2()
    {
        var dll = typeof(EmulatorHost).Assembly.Location;
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--bogus", "1"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--bogus", stderr);
    }
}
