using System.Text.Json;
using System.Text.Json.Serialization;
using Vod.Emulator.Oss;

namespace Vod.Emulator.State;

/// <summary>
/// The emulator's state in <c>state.json</c> in the data folder, so a restart with the same <c>--data-dir</c> finds
/// every media, object, multipart upload in progress and issued credential again. Written whole, to a temporary file
/// that is then renamed over the old one, so a kill at any moment leaves either the old or the new file, never half of
/// one. Written <see cref="Debounce"/> after a change (uploads send many parts; one write covers a burst) and on stop.
/// </summary>
internal sealed class StateFile : IAsyncDisposable
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "state.json";

    /// <summary>Format written; a file of another format is refused rather than half understood.</summary>
    private const int Format = 1;

    /// <summary>How long after a change the file is written (a kill -9 loses at most this much).</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly FileStream _lock;
    private readonly EmulatorState _state;
    private readonly CredentialStore _credentials;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private long _written;

    private StateFile(string path, FileStream lockFile, EmulatorState state, CredentialStore credentials)
    {
        Path = path;
        _lock = lockFile;
        _state = state;
        _credentials = credentials;
        _written = state.Version;
        state.Changed += () =>
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        };
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Where the state lives.</summary>
    public string Path { get; }

    /// <summary>
    /// Reads the state file of <paramref name="storage"/>'s folder into <paramref name="state"/> and
    /// <paramref name="credentials"/> (a new folder starts empty with <paramref name="bucket"/>), then keeps the file
    /// up to date.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is damaged, or of another format, or another emulator uses the folder; the message names it.
    /// </exception>
    public static StateFile Open(ObjectStorage storage, EmulatorState state, CredentialStore credentials, string bucket)
    {
        var path = System.IO.Path.Combine(storage.Root, FileName);
        FileStream lockFile;
        try
        {
            // Two emulators writing one state file would each overwrite the other's media: one folder, one emulator.
            lockFile = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidDataException($"Another vod-emulator uses the data folder {storage.Root}; stop it or choose another --data-dir.", ex);
        }

        try
        {
            if (File.Exists(path))
            {
                Load(path, storage, state, credentials);
            }
            else
            {
                state.Bucket = bucket;
            }
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }

        var file = new StateFile(path, lockFile, state, credentials);
        file.WriteNow();
        return file;
    }

    private static void Load(string path, ObjectStorage storage, EmulatorState state, CredentialStore credentials)
    {
        Snapshot snapshot;
        try
        {
            snapshot = JsonSerializer.Deserialize<Snapshot>(File.ReadAllBytes(path), Json) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The emulator's state file {path} is damaged ({ex.Message}). Move it away to start with an empty emulator.", ex);
        }

        if (snapshot.Format != Format || string.IsNullOrEmpty(snapshot.Bucket))
        {
            throw new InvalidDataException($"The emulator's state file {path} is not of format {Format} or names no bucket. Move it away to start with an empty emulator.");
        }

        state.Bucket = snapshot.Bucket;
        foreach (var stored in snapshot.Objects)
        {
            // An object whose bytes were deleted by hand is forgotten rather than served as an error.
            var file = storage.ObjectPath(stored.Bucket, stored.Key);
            if (File.Exists(file))
            {
                state.Objects[EmulatorState.ObjectId(stored.Bucket, stored.Key)] = stored.WithFile(file);
            }
        }

        foreach (var upload in snapshot.Uploads)
        {
            var restored = new MultipartUpload
            {
                UploadId = upload.UploadId, Bucket = upload.Bucket, Key = upload.Key, Initiated = upload.Initiated,
                ContentType = upload.ContentType, Metadata = upload.Metadata,
            };
            foreach (var part in upload.Parts.Values)
            {
                var file = storage.PartPath(upload.UploadId, part.PartNumber);
                if (File.Exists(file))
                {
                    restored.Parts[part.PartNumber] = part.WithFile(file);
                }
            }

            state.Uploads[upload.UploadId] = restored;
        }

        foreach (var media in snapshot.Media)
        {
            state.Media[media.Id] = media;
        }

        foreach (var job in snapshot.UrlJobs)
        {
            // A pull the stopped process had not finished goes back to the queue once the emulator listens
            // (VodOperations.ResumePulls), as VOD's queue outlives a restart.
            state.UrlJobs[job.JobId] = job;
        }

        state.Callbacks.AddRange(snapshot.Callbacks);
        Copy(snapshot.BytesReceivedPerObject, state.BytesReceivedPerObject);
        Copy(snapshot.BytesReceivedPerUpload, state.BytesReceivedPerUpload);
        Copy(snapshot.PartUploadsReceived, state.PartUploadsReceived);
        credentials.Restore(snapshot.Credentials.Select(c => c.ToIssued()));
    }

    private static void Copy<TValue>(Dictionary<string, TValue> from, Dictionary<string, TValue> to)
    {
        foreach (var (key, value) in from)
        {
            to[key] = value;
        }
    }

    /// <summary>Writes the state now if it changed since the last write.</summary>
    public void WriteNow()
    {
        _writing.Wait();
        try
        {
            byte[] bytes;
            long version;
            lock (_state.Sync)
            {
                version = _state.Version;
                if (version == _written && File.Exists(Path))
                {
                    return;
                }

                bytes = JsonSerializer.SerializeToUtf8Bytes(Capture(), Json);
            }

            var temporary = Path + ".tmp";
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
            _written = version;
        }
        finally
        {
            _writing.Release();
        }
    }

    private Snapshot Capture() => new()
    {
        Format = Format,
        Bucket = _state.Bucket,
        Objects = [.. _state.Objects.Values],
        Uploads = [.. _state.Uploads.Values],
        Media = [.. _state.Media.Values],
        UrlJobs = [.. _state.UrlJobs.Values],
        Callbacks = [.. _state.Callbacks],
        BytesReceivedPerObject = _state.BytesReceivedPerObject,
        BytesReceivedPerUpload = _state.BytesReceivedPerUpload,
        PartUploadsReceived = _state.PartUploadsReceived,
        Credentials = [.. _credentials.Issued.Select(PersistedCredential.From)],
    };

    private async Task WriteLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await _signal.WaitAsync(_stop.Token);
                await Task.Delay(Debounce, _stop.Token);
                WriteNow();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: DisposeAsync writes the last state.
        }
    }

    /// <summary>Stops the writer and writes the last state.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _writer;
        WriteNow();
        _stop.Dispose();
        _signal.Dispose();
        _writing.Dispose();
        await _lock.DisposeAsync();
    }

    private sealed class Snapshot
    {
        public int Format { get; set; }

        public string Bucket { get; set; } = string.Empty;

        public List<StoredObject> Objects { get; set; } = [];

        public List<MultipartUpload> Uploads { get; set; } = [];

        public List<MediaRecord> Media { get; set; } = [];

        public List<UrlJob> UrlJobs { get; set; } = [];

        public List<CallbackAttempt> Callbacks { get; set; } = [];

        public Dictionary<string, long> BytesReceivedPerObject { get; set; } = [];

        public Dictionary<string, long> BytesReceivedPerUpload { get; set; } = [];

        public Dictionary<string, Dictionary<int, int>> PartUploadsReceived { get; set; } = [];

        public List<PersistedCredential> Credentials { get; set; } = [];
    }

    /// <summary>An issued credential as stored (its secret and token too: it must keep opening its object after a restart).</summary>
    private sealed class PersistedCredential
    {
        public string AccessKeyId { get; set; } = string.Empty;

        public string AccessKeySecret { get; set; } = string.Empty;

        public string SecurityToken { get; set; } = string.Empty;

        public DateTimeOffset ExpiresAt { get; set; }

        public string? Bucket { get; set; }

        public string? Key { get; set; }

        public string? KeyPrefix { get; set; }

        public bool MayCallVod { get; set; }

        public List<string>? AllowedActions { get; set; }

        public static PersistedCredential From(IssuedCredential c) => new()
        {
            AccessKeyId = c.AccessKeyId, AccessKeySecret = c.AccessKeySecret, SecurityToken = c.SecurityToken, ExpiresAt = c.ExpiresAt,
            Bucket = c.Bucket, Key = c.Key, KeyPrefix = c.KeyPrefix, MayCallVod = c.MayCallVod, AllowedActions = c.AllowedActions?.ToList(),
        };

        public IssuedCredential ToIssued() => new()
        {
            AccessKeyId = AccessKeyId, AccessKeySecret = AccessKeySecret, SecurityToken = SecurityToken, ExpiresAt = ExpiresAt,
            Bucket = Bucket, Key = Key, KeyPrefix = KeyPrefix, MayCallVod = MayCallVod,
            AllowedActions = AllowedActions is null ? null : new HashSet<string>(AllowedActions, StringComparer.OrdinalIgnoreCase),
        };
    }
}
