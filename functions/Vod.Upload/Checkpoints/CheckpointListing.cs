using System.Runtime.CompilerServices;

namespace Vod.Upload.Checkpoints;

/// <summary>
/// How a store lists and salvages its checkpoints, whatever holds them: each key is loaded through the format's checks,
/// and the ones that fail them are salvaged from their header instead.
/// </summary>
internal static class CheckpointListing
{
    /// <summary>The checkpoints of <paramref name="keys"/> that can be read.</summary>
    public static async IAsyncEnumerable<StoredCheckpoint> ReadableAsync(IAsyncEnumerable<string> keys, Func<string, CancellationToken, Task<StoredCheckpoint?>> load,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in keys.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            StoredCheckpoint? stored;
            try
            {
                stored = await load(key, cancellationToken).ConfigureAwait(false);
            }
            catch (UploadException ex) when (ex.Code == UploadErrorCodes.CheckpointCorrupt)
            {
                continue; // listed by DamagedAsync
            }

            if (stored is not null)
            {
                yield return stored;
            }
        }
    }

    /// <summary>The checkpoints of <paramref name="keys"/> that cannot be read, with what could be salvaged.</summary>
    public static async IAsyncEnumerable<DamagedCheckpoint> DamagedAsync(IAsyncEnumerable<string> keys, Func<string, CancellationToken, Task<DamagedCheckpoint?>> salvage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in keys.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (await salvage(key, cancellationToken).ConfigureAwait(false) is { } damaged)
            {
                yield return damaged;
            }
        }
    }

    /// <summary>Null when <paramref name="key"/> reads (or is gone); else what its header still says.</summary>
    public static async Task<DamagedCheckpoint?> SalvageAsync(string key, Func<string, CancellationToken, Task<StoredCheckpoint?>> load,
        Func<string, CancellationToken, Task<byte[]?>> readHeader, CancellationToken cancellationToken)
    {
        try
        {
            await load(key, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (UploadException ex) when (ex.Code == UploadErrorCodes.CheckpointCorrupt)
        {
            return CheckpointSalvage.From(key, ex.Message, await readHeader(key, cancellationToken).ConfigureAwait(false) ?? []);
        }
    }
}
