using Microsoft.AspNetCore.Http;

namespace Vod.Functions.Identity;

/// <summary>Local development: every caller is one developer, so ownership and limits still apply, to one owner.</summary>
public sealed class NoCallerIdentity : ICallerIdentity
{
    /// <summary>The one caller.</summary>
    public static Caller LocalDeveloper { get; } = new("local-developer", "local developer");

    /// <inheritdoc/>
    public Task<Caller?> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken) => Task.FromResult<Caller?>(LocalDeveloper);
}
