using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Vod.Emulator.State;

namespace Vod.Emulator.Callbacks;

/// <summary>A VOD event waiting to be delivered.</summary>
internal sealed record VodEvent(string EventType, string MediaId, string Url, string Body);

/// <summary>
/// Delivers VOD event callbacks as VOD does: HTTP POST of the JSON body, signed with <c>X-VOD-TIMESTAMP</c> and
/// <c>X-VOD-SIGNATURE = md5(url|timestamp|key)</c> when an auth key is set, success on HTTP 200 only, 5 s timeout,
/// three attempts about a second apart, then the event is dropped. Every attempt is recorded.
/// </summary>
public sealed class CallbackDispatcher : IAsyncDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private const int Attempts = 3;

    private readonly EmulatorState _state;
    private readonly FaultSwitches _faults;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retryInterval;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Channel<VodEvent> _queue = Channel.CreateUnbounded<VodEvent>();
    private readonly List<VodEvent> _reorderBatch = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private int _inFlight;

    internal CallbackDispatcher(EmulatorState state, FaultSwitches faults, TimeProvider time, TimeSpan retryInterval, string? authKey)
    {
        _state = state;
        _faults = faults;
        _time = time;
        _retryInterval = retryInterval;
        AuthKey = authKey;
        _worker = Task.Run(RunAsync);
    }

    /// <summary>The auth key callbacks are signed with; null sends them unsigned.</summary>
    public string? AuthKey { get; set; }

    /// <summary>Whether every queued event has been delivered, dropped or abandoned.</summary>
    public bool Idle => Volatile.Read(ref _inFlight) == 0;

    internal void Enqueue(VodEvent vodEvent)
    {
        Interlocked.Increment(ref _inFlight);
        _queue.Writer.TryWrite(vodEvent);
    }

    /// <summary>The signature VOD puts in <c>X-VOD-SIGNATURE</c>.</summary>
    public static string Sign(string url, string timestamp, string key)
    {
#pragma warning disable CA5351 // VOD's callback authentication is defined with MD5.
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(url + "|" + timestamp + "|" + key)));
#pragma warning restore CA5351
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var vodEvent in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                switch (_faults.TakeCallbackFault())
                {
                    case CallbackFaultMode.Drop:
                        Record(vodEvent, 0, null, "dropped", signed: false);
                        Interlocked.Decrement(ref _inFlight);
                        break;
                    case CallbackFaultMode.Duplicate:
                        Interlocked.Increment(ref _inFlight);
                        await DeliverAsync(vodEvent);
                        await DeliverAsync(vodEvent);
                        break;
                    case CallbackFaultMode.Delay:
                        _ = Task.Run(async () =>
                        {
                            await Task.Delay(_faults.CallbackDelay, _stop.Token);
                            await DeliverAsync(vodEvent);
                        });
                        break;
                    case CallbackFaultMode.Reorder:
                        _reorderBatch.Add(vodEvent);
                        if (_faults.ReorderRemaining == 0)
                        {
                            _faults.EndReorder();
                            await FlushReorderAsync();
                        }

                        break;
                    default:
                        await DeliverAsync(vodEvent);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task FlushReorderAsync()
    {
        var batch = _reorderBatch.AsEnumerable().Reverse().ToList();
        _reorderBatch.Clear();
        foreach (var held in batch)
        {
            await DeliverAsync(held);
        }
    }

    private async Task DeliverAsync(VodEvent vodEvent)
    {
        try
        {
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                using var request = new HttpRequestMessage(HttpMethod.Post, vodEvent.Url) { Content = new StringContent(vodEvent.Body, Encoding.UTF8, "application/json") };
                var key = AuthKey;
                if (key is not null)
                {
                    request.Headers.TryAddWithoutValidation("X-VOD-TIMESTAMP", timestamp);
                    request.Headers.TryAddWithoutValidation("X-VOD-SIGNATURE", Sign(vodEvent.Url, timestamp, key));
                }

                int? status = null;
                string result;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(AttemptTimeout);
                    using var response = await _http.SendAsync(request, timeout.Token);
                    status = (int)response.StatusCode;
                    result = status == 200 ? "delivered" : "rejected";
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    result = "timeout";
                }
                catch (HttpRequestException)
                {
                    result = "failed";
                }

                Record(vodEvent, attempt, status, result, key is not null);
                if (result == "delivered")
                {
                    return;
                }

                if (attempt < Attempts)
                {
                    await Task.Delay(_retryInterval, _stop.Token);
                }
            }

            Record(vodEvent, Attempts, null, "abandoned", signed: false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void Record(VodEvent vodEvent, int attempt, int? status, string result, bool signed)
    {
        lock (_state.Sync)
        {
            _state.Callbacks.Add(new CallbackAttempt
            {
                EventType = vodEvent.EventType,
                MediaId = vodEvent.MediaId,
                Url = vodEvent.Url,
                Attempt = attempt,
                Status = status,
                Result = result,
                At = _time.GetUtcNow(),
                Body = vodEvent.Body,
                CarriedSignature = signed,
            });
        }

        _state.MarkChanged();
    }

    /// <summary>Stops delivering; events still queued are not sent.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _worker;
        }
        catch (OperationCanceledException)
        {
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
