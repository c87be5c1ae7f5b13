using Microsoft.Extensions.Logging.Abstractions;
using Vod.Upload.Engine;

namespace Vod.Upload.Tests.Fakes;

/// <summary>Thrown by every fake once the world has "crashed": the process is gone and nothing it does takes effect.</summary>
public sealed class CrashedException(string at) : Exception($"Crashed at {at}.");

/// <summary>
/// VOD, OSS, the checkpoint store and the sources in memory, shared by every engine a test builds over them (engines
/// are cheap: a new one is a restarted process, or another instance). Every effect — a create, a PUT, a checkpoint
/// write, a delete — is counted, so a test can crash the world just before or just after the n-th one: from then on
/// every call fails and changes nothing, as if the process had died there, until <see cref="Revive"/>.
/// </summary>
public sealed class FakeWorld
{
    private readonly Lock _gate = new();
    private int _effects;
    private int? _crashAt;
    private bool _crashAfter;
    private bool _dead;

    public FakeWorld(TimeSpan? credentialLifetime = null)
    {
        Vod = new FakeVod(this, credentialLifetime ?? TimeSpan.FromHours(1));
        Oss = new FakeOss(this);
        Checkpoints = new InMemoryCheckpointStore(this);
        Sources = new InMemorySources();
    }

    public FakeVod Vod { get; }

    public FakeOss Oss { get; }

    public InMemoryCheckpointStore Checkpoints { get; }

    public InMemorySources Sources { get; }

    /// <summary>Every effect so far, in order ("CreateVideo", "UploadPart 2", "SaveCheckpoint" …).</summary>
    public List<string> Effects { get; } = [];

    /// <summary>Whether the world crashed (and has not been revived).</summary>
    public bool Crashed
    {
        get
        {
            lock (_gate)
            {
                return _dead;
            }
        }
    }

    /// <summary>A new engine over this world: a fresh process, with no credential cache.</summary>
    public UploadEngine NewEngine(TimeProvider? time = null) => new(Vod, Oss, Checkpoints, Sources, time, NullLogger<UploadEngine>.Instance);

    /// <summary>Crashes just before (or just after) the <paramref name="effect"/>-th effect from now (1-based).</summary>
    public void CrashAt(int effect, bool after)
    {
        lock (_gate)
        {
            _crashAt = _effects + effect;
            _crashAfter = after;
        }
    }

    /// <summary>Brings the world back after a crash (the next process starts).</summary>
    public void Revive()
    {
        lock (_gate)
        {
            _dead = false;
            _crashAt = null;
        }
    }

    /// <summary>Fails when the world is dead (a read by a crashed process).</summary>
    public void Alive(string what)
    {
        lock (_gate)
        {
            if (_dead)
            {
                throw new CrashedException(what);
            }
        }
    }

    /// <summary>Runs one effect, unless the world is dead or dies at it.</summary>
    public T Effect<T>(string name, Func<T> apply)
    {
        lock (_gate)
        {
            if (_dead)
            {
                throw new CrashedException(name);
            }

            _effects++;
            if (_effects == _crashAt && !_crashAfter)
            {
                _dead = true;
                throw new CrashedException("before " + name);
            }

            var result = apply();
            Effects.Add(name);
            if (_effects == _crashAt && _crashAfter)
            {
                _dead = true;
                throw new CrashedException("after " + name);
            }

            return result;
        }
    }
}
