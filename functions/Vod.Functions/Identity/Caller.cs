namespace Vod.Functions.Identity;

/// <summary>Who called a browser endpoint, as the configured identity source authenticated them.</summary>
/// <param name="Id">A stable id of the caller (the token's subject, the App Service principal id); media created
/// through AppServer belong to it.</param>
/// <param name="Name">A display name, when the source gives one. Never used for decisions.</param>
public sealed record Caller(string Id, string? Name);
