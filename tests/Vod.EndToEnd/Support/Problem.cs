using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vod.EndToEnd.Support;

/// <summary>Asserts RFC 7807 problem details with a stable code.</summary>
public static class Problem
{
    /// <summary>The response is <paramref name="status"/> with <c>application/problem+json</c> naming <paramref name="code"/>.</summary>
    public static async Task AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("title").GetString()));
    }
}
