using System.Net.Http.Json;
using System.Text.Json;

namespace Vod.EndToEnd.Support;

/// <summary>The management API as a client sees it.</summary>
public static class UploadsClient
{
    /// <summary>Every upload, read page by page through the API.</summary>
    public static async Task<List<JsonElement>> AllAsync(HttpClient api, string query = "", int pageSize = 100)
    {
        ArgumentNullException.ThrowIfNull(api);
        var items = new List<JsonElement>();
        string? token = null;
        do
        {
            var url = $"api/uploads?pageSize={pageSize}{query}" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await api.GetFromJsonAsync<JsonElement>(url);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        return items;
    }

    /// <summary>Waits until the blob trigger has started an upload of <paramref name="source"/> (container/name); returns its id.</summary>
    public static async Task<string> WaitStartedAsync(HttpClient api, string source, TimeSpan timeout)
    {
        var found = await Eventually.WaitAsync($"an upload of {source}", timeout, async () =>
            (await AllAsync(api)).Where(u => u.GetProperty("source").GetString() == source).Select(u => u.GetProperty("id").GetString()).FirstOrDefault());
        return found;
    }

    /// <summary>Waits until the upload's status is <paramref name="status"/>; fails at once when it ends otherwise.</summary>
    public static Task<JsonElement> WaitStatusAsync(HttpClient api, string id, string status, TimeSpan timeout) =>
        WaitAsync(api, id, $"upload {id} to be {status}", timeout, u => u.GetProperty("status").GetString() == status, stopOn: status == "Completed" ? ["Failed", "Terminated"] : []);

    /// <summary>Waits until the upload satisfies <paramref name="condition"/>.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient api, string id, string what, TimeSpan timeout, Func<JsonElement, bool> condition, string[]? stopOn = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        JsonElement last = default;
        return await Eventually.WaitForValueAsync<JsonElement>(what, timeout, async () =>
        {
            using var response = await api.GetAsync($"api/uploads/{id}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            last = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (stopOn?.Contains(last.GetProperty("status").GetString()) == true)
            {
                throw new InvalidOperationException($"Upload {id} ended {last}");
            }

            return condition(last) ? last : null;
        }, TimeSpan.FromMilliseconds(300));
    }

    /// <summary>Parts done, from the upload's progress (0 before the first is counted).</summary>
    public static int PartsDone(JsonElement upload) =>
        upload.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("partsDone", out var d) ? d.GetInt32() : 0;
}
