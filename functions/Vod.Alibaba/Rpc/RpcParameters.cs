using System.Globalization;

namespace Vod.Alibaba.Rpc;

/// <summary>The operation parameters of one RPC request; <see langword="null"/> values are left out.</summary>
public sealed class RpcParameters : List<KeyValuePair<string, string>>
{
    /// <summary>Adds <paramref name="name"/> when <paramref name="value"/> is not null.</summary>
    public void Add(string name, string? value)
    {
        if (value is not null)
        {
            Add(new KeyValuePair<string, string>(name, value));
        }
    }

    /// <summary>Adds a number in invariant culture when it has a value.</summary>
    public void Add(string name, long? value)
    {
        if (value is { } number)
        {
            Add(new KeyValuePair<string, string>(name, number.ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Adds a comma-joined list when it has items.</summary>
    public void AddList(string name, IReadOnlyCollection<string>? values)
    {
        if (values is { Count: > 0 })
        {
            Add(new KeyValuePair<string, string>(name, string.Join(',', values)));
        }
    }
}
