using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Vod.Functions.Identity;

/// <summary>
/// Per-caller limits on credential requests (<see cref="VodFunctionsOptions.CredentialRequestsPerMinute"/> and
/// <see cref="VodFunctionsOptions.CredentialRequestsPerDay"/>), counted in Table Storage so that every instance of a
/// scaled-out app counts against the same numbers. One row per caller, keyed by a hash of its id (ids may hold
/// characters a table key refuses), holding the current minute's and day's counts; writes are ETag-guarded.
/// </summary>
public sealed class CallerQuota(TableClient table, int perMinute, int perDay, TimeProvider time)
{
    private const string Partition = "caller";
    private int _created;

    /// <summary>Counts one request; returns null when it is within the limits, else how long until it would be.</summary>
    public async Task<TimeSpan?> TryTakeAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (Volatile.Read(ref _created) == 0)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _created, 1);
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caller.Id)));
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
            var day = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero);
            var found = await table.GetEntityIfExistsAsync<CallerCount>(Partition, key, cancellationToken: cancellationToken).ConfigureAwait(false);
            var count = found.HasValue ? found.Value! : new CallerCount { PartitionKey = Partition, RowKey = key };
            if (count.Minute != minute)
            {
                (count.Minute, count.InMinute) = (minute, 0);
            }

            if (count.Day != day)
            {
                (count.Day, count.InDay) = (day, 0);
            }

            if (count.InDay >= perDay)
            {
                return day.AddDays(1) - now;
            }

            if (count.InMinute >= perMinute)
            {
                return minute.AddMinutes(1) - now;
            }

            count.InMinute++;
            count.InDay++;
            try
            {
                if (found.HasValue)
                {
                    await table.UpdateEntityAsync(count, count.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await table.AddEntityAsync(count, cancellationToken).ConfigureAwait(false);
                }

                return null;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 20)
            {
                // Another request of the same caller counted first: count again.
            }
        }
    }

    private sealed class CallerCount : ITableEntity
    {
        public string PartitionKey { get; set; } = string.Empty;

        public string RowKey { get; set; } = string.Empty;

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public DateTimeOffset Minute { get; set; }

        public int InMinute { get; set; }

        public DateTimeOffset Day { get; set; }

        public int InDay { get; set; }
    }
}
