using Vod.Alibaba.Credentials;
using Vod.Alibaba.VodApi;

namespace Vod.Upload.Credentials;

/// <summary>
/// The upload credential of one media, shared by all its parallel parts. Refreshes happen once (single flight) —
/// proactively before expiry, and after OSS says the credential expired — and every part then uses the new one.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never read holds nothing to dispose.")]
public sealed class UploadCredentialProvider
{
    private readonly Func<CancellationToken, Task<UploadAuth>> _refresh;
    private readonly TimeProvider _time;
    private readonly TimeSpan _configuredMargin;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private UploadAuth _current;
    private DateTimeOffset _expiresAt;
    private TimeSpan _margin;
    private int _refreshes;

    /// <summary>Creates the provider with the credential VOD just issued.</summary>
    public UploadCredentialProvider(UploadAuth initial, Func<CancellationToken, Task<UploadAuth>> refresh, TimeProvider time, TimeSpan refreshMargin)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _refresh = refresh;
        _time = time;
        _configuredMargin = refreshMargin;
        _current = initial;
        Adopt(initial);
    }

    /// <summary>Raised after each refresh; the argument says whether an expiry caused it.</summary>
    public event Action<bool>? Refreshed;

    /// <summary>How many refreshes happened.</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>A credential good for a while: refreshed first when within the margin of expiry.</summary>
    public async Task<AlibabaCredential> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (_time.GetUtcNow() < _expiresAt - _margin)
        {
            return current.Credential;
        }

        return await RefreshAsync(current.Credential, afterExpiry: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A fresh credential after <paramref name="failed"/> was refused as expired. When another part already refreshed,
    /// its result is returned without asking VOD again.
    /// </summary>
    public Task<AlibabaCredential> RenewAfterExpiryAsync(AlibabaCredential failed, CancellationToken cancellationToken) =>
        RefreshAsync(failed, afterExpiry: true, cancellationToken);

    private async Task<AlibabaCredential> RefreshAsync(AlibabaCredential seen, bool afterExpiry, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(_current.Credential, seen))
            {
                return _current.Credential;
            }

            var fresh = await _refresh(cancellationToken).ConfigureAwait(false);
            _current = fresh;
            Adopt(fresh);
            Interlocked.Increment(ref _refreshes);
            Refreshed?.Invoke(afterExpiry);
            return fresh.Credential;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Adopt(UploadAuth auth)
    {
        var now = _time.GetUtcNow();
        _expiresAt = auth.ExpiresAt(now);

        // A short-lived credential (tests, tight STS policies) must not be refreshed on every call: keep the margin
        // within a fifth of its lifetime.
        var lifetime = _expiresAt - now;
        _margin = lifetime <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(_configuredMargin.Ticks, lifetime.Ticks / 5));
    }
}
