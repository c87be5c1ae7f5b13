using Vod.Emulator;

EmulatorOptions options;
try
{
    options = EmulatorOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("Usage: vod-emulator -- [--urls http://127.0.0.1:5080] [--access-key-id ID] [--access-key-secret SECRET]");
    Console.Error.WriteLine("       [--callback-url URL] [--callback-auth-key KEY] [--credential-lifetime SECONDS] [--data-dir DIR]");
    Console.Error.WriteLine("       [--public-endpoint URL] [--region cn-shanghai] [--transcode-delay SECONDS]   (or VOD_EMULATOR_<NAME> variables)");
    return 2;
}

await using var host = await EmulatorHost.StartAsync(options);
Console.WriteLine($"VOD emulator listening on {host.BaseUri}");
Console.WriteLine($"  VOD/STS API endpoint : {host.BaseUri.GetLeftPart(UriPartial.Authority)}  (RPC at /, signature V2 or V3)");
Console.WriteLine($"  OSS endpoint         : {host.Vod.PublicEndpoint}  (bucket {host.Vod.Bucket}; bucket in Host header or path)");
Console.WriteLine($"  AccessKeyId          : {options.AccessKeyId}");
Console.WriteLine($"  AccessKeySecret      : {options.AccessKeySecret}");
Console.WriteLine($"  Callbacks            : {(options.CallbackUrl?.ToString() ?? "none configured")}{(options.CallbackAuthKey is null ? string.Empty : " (signed)")}");
Console.WriteLine($"  Introspection        : {host.BaseUri}_emulator/state");
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
return 0;
