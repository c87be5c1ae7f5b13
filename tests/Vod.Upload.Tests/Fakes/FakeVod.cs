using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload.Ports;

namespace Vod.Upload.Tests.Fakes;

/// <summary>VOD in memory: media with their addresses, STS credentials with an expiry, and queued failures.</summary>
public sealed class FakeVod(FakeWorld world, TimeSpan credentialLifetime) : IVodUploadApi
{
    private readonly Lock _gate = new();
    private readonly Queue<(string Operation, UploadException Error)> _failures = new();
    private int _next;

    /// <summary>Every media ever created, by id, with whether it still exists.</summary>
    public Dictionary<string, FakeMedia> Media { get; } = [];

    /// <summary>Every credential issued, by access key id: its media and expiry.</summary>
    public Dictionary<string, (string MediaId, DateTimeOffset ExpiresAt)> Credentials { get; } = [];

    /// <summary>Calls made, by operation.</summary>
    public Dictionary<string, int> Calls { get; } = [];

    /// <summary>The media that still exist.</summary>
    public IReadOnlyList<FakeMedia> Live
    {
        get
        {
            lock (_gate)
            {
                return [.. Media.Values.Where(m => !m.Deleted)];
            }
        }
    }

    /// <summary>Makes the next call of <paramref name="operation"/> fail with <paramref name="error"/>, <paramref name="times"/> times.</summary>
    public void FailNext(string operation, UploadException error, int times = 1)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _failures.Enqueue((operation, error));
            }
        }
    }

    /// <summary>Expires every credential issued so far.</summary>
    public void ExpireAll()
    {
        lock (Credentials)
        {
            foreach (var key in Credentials.Keys.ToList())
            {
                Credentials[key] = (Credentials[key].MediaId, DateTimeOffset.MinValue);
            }
        }
    }

    public Task<CreatedMedia> CreateVideoAsync(CreateUploadVideoRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Create("CreateVideo", MediaKind.Video, Path.GetExtension(request.FileName), request.Title));

    public Task<CreatedMedia> CreateImageAsync(CreateUploadImageRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Create("CreateImage", MediaKind.Image, "." + request.ImageExt, request.Title ?? string.Empty));

    public Task<UploadGrant> RefreshVideoAsync(string videoId, CancellationToken cancellationToken)
    {
        world.Alive("RefreshVideo");
        lock (_gate)
        {
            Count("RefreshVideo");
            if (!Media.TryGetValue(videoId, out var media) || media.Deleted || media.Kind != MediaKind.Video)
            {
                throw new UploadException("InvalidVideo.NotFound", $"The video {videoId} does not exist.", UploadErrorKind.MediaGone);
            }

            return Task.FromResult(new UploadGrant(media.Address, Issue(videoId)));
        }
    }

    public Task DeleteMediaAsync(MediaKind kind, string mediaId, CancellationToken cancellationToken)
    {
        world.Effect("DeleteMedia " + mediaId, () =>
        {
            lock (_gate)
            {
                Count("DeleteMedia");
                if (Media.TryGetValue(mediaId, out var media))
                {
                    media.Deleted = true;
                }

                return true;
            }
        });
        return Task.CompletedTask;
    }

    private CreatedMedia Create(string operation, MediaKind kind, string extension, string title)
    {
        lock (_gate)
        {
            Count(operation);
        }

        return world.Effect(operation, () =>
        {
            lock (_gate)
            {
                var id = $"{(kind == MediaKind.Video ? "v" : "i")}{++_next:D4}";
                var address = new UploadAddress(new Uri("http://oss.fake.test"), "bucket", $"{(kind == MediaKind.Video ? "sv" : "image")}/{id}{extension}");
                Media[id] = new FakeMedia(id, kind, title, address);
                return new CreatedMedia(id, new UploadGrant(address, Issue(id)), kind == MediaKind.Image ? $"http://img.fake.test/{id}" : null, kind == MediaKind.Image ? $"http://oss.fake.test/{address.FileName}" : null);
            }
        });
    }

    private UploadAuth Issue(string mediaId)
    {
        var keyId = "STS." + Guid.NewGuid().ToString("N");
        var expires = DateTimeOffset.UtcNow + credentialLifetime;
        lock (Credentials)
        {
            Credentials[keyId] = (mediaId, expires);
        }

        return new UploadAuth(keyId, "secret-" + keyId, "token-" + keyId, ((int)credentialLifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), expires, "cn-shanghai");
    }

    // Called under the gate: counts the call and throws a queued failure for it.
    private void Count(string operation)
    {
        Calls[operation] = Calls.GetValueOrDefault(operation) + 1;
        if (_failures.TryPeek(out var failure) && failure.Operation == operation)
        {
            _failures.Dequeue();
            throw failure.Error;
        }
    }
}

/// <summary>A media the fake VOD created.</summary>
public sealed record FakeMedia(string Id, MediaKind Kind, string Title, UploadAddress Address)
{
    public bool Deleted { get; set; }
}
