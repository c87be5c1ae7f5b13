using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Vod.Emulator.State;

/// <summary>A temporary STS credential the emulator issued (UploadAuth or AssumeRole).</summary>
public sealed class IssuedCredential
{
    /// <summary>The temporary AccessKeyId (<c>STS.</c> and 24 characters).</summary>
    public required string AccessKeyId { get; init; }

    /// <summary>Its secret.</summary>
    public required string AccessKeySecret { get; init; }

    /// <summary>The security token requests must carry with it.</summary>
    public required string SecurityToken { get; init; }

    /// <summary>When it stops working (fault injection can move it earlier).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The only bucket it may touch, or null for any.</summary>
    public string? Bucket { get; init; }

    /// <summary>The only object key it may touch, or null.</summary>
    public string? Key { get; init; }

    /// <summary>A key prefix it may touch (M3U8 slices), or null.</summary>
    public string? KeyPrefix { get; init; }

    /// <summary>Whether the credential may call the VOD API (AssumeRole credentials may; upload credentials may not).</summary>
    public bool MayCallVod { get; init; }

    /// <summary>
    /// The VOD actions (<c>vod:CreateUploadVideo</c> …) an AssumeRole inline policy allowed, or null when no policy
    /// narrowed the role (every action). As in RAM, the session may do only what both the role and the policy allow.
    /// </summary>
    public IReadOnlySet<string>? AllowedActions { get; init; }

    /// <summary>Whether it may touch <paramref name="key"/> in <paramref name="bucket"/>.</summary>
    public bool Allows(string bucket, string? key)
    {
        if (Bucket is null)
        {
            return true;
        }

        if (!string.Equals(bucket, Bucket, StringComparison.Ordinal) || key is null)
        {
            return false;
        }

        return string.Equals(key, Key, StringComparison.Ordinal) || KeyPrefix is not null && key.StartsWith(KeyPrefix, StringComparison.Ordinal);
    }
}

/// <summary>What an AccessKeyId resolved to.</summary>
internal sealed record KnownKey(string Secret, IssuedCredential? Temporary);

/// <summary>The account key, issued STS credentials, and the nonces already used.</summary>
public sealed class CredentialStore(EmulatorOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, IssuedCredential> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);

    /// <summary>Lifetime of newly issued credentials; fault injection can shorten it.</summary>
    public TimeSpan Lifetime { get; set; } = options.CredentialLifetime;

    /// <summary>Every credential issued (and not forgotten), expired ones included.</summary>
    public IReadOnlyCollection<IssuedCredential> Issued => [.. _issued.Values];

    /// <summary>Issues a credential scoped to a bucket and key (or key prefix), or to everything when <paramref name="bucket"/> is null.</summary>
    public IssuedCredential Issue(string? bucket, string? key, string? keyPrefix, bool mayCallVod, TimeSpan? lifetime = null, IReadOnlySet<string>? allowedActions = null)
    {
        var credential = new IssuedCredential
        {
            AccessKeyId = "STS." + RandomToken(24, Alphanumeric),
            AccessKeySecret = RandomToken(40, Alphanumeric),
            SecurityToken = "CAIS" + RandomToken(120, Alphanumeric + "+/") + "=",
            ExpiresAt = time.GetUtcNow() + (lifetime ?? Lifetime),
            Bucket = bucket,
            Key = key,
            KeyPrefix = keyPrefix,
            MayCallVod = mayCallVod,
            AllowedActions = allowedActions,
        };
        _issued[credential.AccessKeyId] = credential;
        return credential;
    }

    /// <summary>Takes back credentials issued before a restart (from the state file).</summary>
    internal void Restore(IEnumerable<IssuedCredential> issued)
    {
        foreach (var credential in issued)
        {
            _issued[credential.AccessKeyId] = credential;
        }
    }

    /// <summary>Makes every credential issued so far expire now.</summary>
    public void ExpireAll()
    {
        var now = time.GetUtcNow().AddSeconds(-1);
        foreach (var credential in _issued.Values)
        {
            credential.ExpiresAt = now;
        }
    }

    internal KnownKey? Find(string accessKeyId)
    {
        if (string.Equals(accessKeyId, options.AccessKeyId, StringComparison.Ordinal))
        {
            return new KnownKey(options.AccessKeySecret, null);
        }

        return _issued.TryGetValue(accessKeyId, out var issued) ? new KnownKey(issued.AccessKeySecret, issued) : null;
    }

    /// <summary>Whether <paramref name="credential"/> has expired.</summary>
    public bool IsExpired(IssuedCredential credential) => credential.ExpiresAt <= time.GetUtcNow();

    /// <summary>Records a signature nonce; false when it was already used within the replay window.</summary>
    public bool TryUseNonce(string nonce)
    {
        var now = time.GetUtcNow();
        if (_nonces.Count > 100_000)
        {
            foreach (var (old, at) in _nonces)
            {
                if (now - at > TimeSpan.FromMinutes(16))
                {
                    _nonces.TryRemove(old, out _);
                }
            }
        }

        return _nonces.TryAdd(nonce, now);
    }

    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static string RandomToken(int length, string alphabet) => RandomNumberGenerator.GetString(alphabet, length);
}
