using Vod.Emulator;

const string Usage = """
    Usage: vod-emulator [--urls http://127.0.0.1:5080] [--data-dir DIR] [--access-key-id ID] [--access-key-secret SECRET]
           [--callback-url URL] [--callback-auth-key KEY] [--credential-lifetime SECONDS] [--bucket NAME]
           [--public-endpoint URL] [--region cn-shanghai] [--transcode-delay SECONDS]   (or VOD_EMULATOR_<NAME> variables)
           vod-emulator --version | --help
    """;

if (args is ["--version"])
{
    // The same shape as 'vod --version': the tool's name, then its version.
    Console.WriteLine($"vod-emulator {EmulatorHost.Version}");
    return 0;
}

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(Usage);
    return 0;
}

EmulatorOptions options;
try
{
    options = EmulatorOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

EmulatorHost host;
try
{
    host = await EmulatorHost.StartAsync(options);
}
catch (InvalidDataException ex)
{
    // A damaged state file: one line naming it, nothing overwritten.
    Console.Error.WriteLine("vod-emulator: " + ex.Message);
    return 2;
}
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
{
    // Kestrel could not bind (the port is taken, or the address is not this machine's): the --urls given cannot be used.
    Console.Error.WriteLine($"vod-emulator: cannot listen on {options.Urls}: {ex.InnerException.Message.TrimEnd('.')}. Choose another with --urls.");
    return 2;
}

await using (host)
{
    Console.WriteLine($"VOD emulator listening on {host.BaseUri}");
    Console.WriteLine($"  VOD/STS API endpoint : {host.BaseUri.GetLeftPart(UriPartial.Authority)}  (RPC at /, signature V2 or V3)");
    Console.WriteLine($"  OSS endpoint         : {host.PublicEndpoint}  (bucket {host.Bucket}; bucket in Host header or path)");
    Console.WriteLine($"  AccessKeyId          : {options.AccessKeyId}");
    Console.WriteLine($"  AccessKeySecret      : {options.AccessKeySecret}");
    Console.WriteLine($"  Callbacks            : {(options.CallbackUrl?.OriginalString ?? "none configured")}{(options.CallbackAuthKey is null ? string.Empty : " (signed)")}");
    Console.WriteLine($"  Index                : {host.BaseUri}_emulator/  (media, downloads, recent requests, routes)");
    Console.WriteLine($"  Data                 : {host.DataDirectory}{(host.Persistent ? string.Empty : "  (temporary: deleted at stop; --data-dir keeps state)")}");
    Console.WriteLine("Press Ctrl+C to stop.");

    var stop = new TaskCompletionSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.TrySetResult();
    };
    AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
    host.Stopping.Register(() => stop.TrySetResult());
    await stop.Task;
}

return 0;
