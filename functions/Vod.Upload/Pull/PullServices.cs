using Microsoft.Extensions.Logging;
using Vod.Upload.Ports;

namespace Vod.Upload.Pull;

/// <summary>What every pull step works with. Steps keep no state of their own.</summary>
internal sealed record PullServices(IVodPullApi Vod, IPullCheckpointStore Checkpoints, TimeProvider Time, ILogger Logger);
