using System.Net;
using System.Text;
using Vod.EndToEnd.Support;

namespace Vod.EndToEnd;

/// <summary>Every bad input of the README's management table, under the real host: problem details with a stable code, never 5xx.</summary>
[Collection(AppCollection.Name)]
public sealed class BadInputTests(AppUnderHost app)
{
    [HostFact]
    public Task Bad_requests_get_problem_details_with_their_code() => app.RunAsync(async () =>
    {
        // Arrange: an empty and an unsupported blob outside the incoming container, and a completed upload.
        var tag = Sources.Tag();
        await Sources.PutAsync(app.Blobs, "vod-manual", $"empty-{tag}.mp4", 0);
        await Sources.PutAsync(app.Blobs, "vod-manual", $"notes-{tag}.txt", 10);
        await Sources.PutAsync(app.Blobs, "hr-private", "ceo.mp4", 1000);
        var cases = new (string Method, string Path, string? Body, HttpStatusCode Status, string Code)[]
        {
            ("POST", "api/uploads", "{not json", HttpStatusCode.BadRequest, "InvalidJson"),
            ("POST", "api/uploads", "{}", HttpStatusCode.BadRequest, "MissingName"),
            ("POST", "api/uploads", """{"name":"  "}""", HttpStatusCode.BadRequest, "MissingName"),
            ("POST", "api/uploads", """{"name":"a.mp4","options":{"partSize":1}}""", HttpStatusCode.BadRequest, "InvalidOption"),
            ("POST", "api/uploads", """{"name":"a.mp4","options":{"parallel":0}}""", HttpStatusCode.BadRequest, "InvalidOption"),
            ("POST", "api/uploads", """{"name":"a.mp4","container":"Bad_Name!"}""", HttpStatusCode.BadRequest, "InvalidContainer"),
            ("POST", "api/uploads", """{"name":"a.mp4","container":"ab"}""", HttpStatusCode.BadRequest, "InvalidContainer"),
            ("POST", "api/uploads", """{"name":"a.mp4","container":"double--hyphen"}""", HttpStatusCode.BadRequest, "InvalidContainer"),
            ("POST", "api/uploads", """{"name":"../x.mp4"}""", HttpStatusCode.BadRequest, "InvalidName"),
            ("POST", "api/uploads", """{"name":"a/../../x.mp4"}""", HttpStatusCode.BadRequest, "InvalidName"),
            ("POST", "api/uploads", """{"name":"/x.mp4"}""", HttpStatusCode.BadRequest, "InvalidName"),
            ("POST", "api/uploads", "{\"name\":\"" + new string('a', 1100) + ".mp4\"}", HttpStatusCode.BadRequest, "InvalidName"),
            ("POST", "api/uploads", """{"name":"missing.mp4"}""", HttpStatusCode.NotFound, "NotFound"),
            ("POST", "api/uploads", """{"name":"ceo.mp4","container":"hr-private"}""", HttpStatusCode.Forbidden, "ContainerNotAllowed"),
            ("POST", "api/uploads", """{"name":"missing.mp4","container":"no-such-container"}""", HttpStatusCode.Forbidden, "ContainerNotAllowed"),
            ("POST", "api/uploads", $$"""{"name":"empty-{{tag}}.mp4","container":"vod-manual"}""", HttpStatusCode.UnprocessableEntity, "EmptySource"),
            ("POST", "api/uploads", $$"""{"name":"notes-{{tag}}.txt","container":"vod-manual"}""", HttpStatusCode.UnprocessableEntity, "UnsupportedMedia"),
            ("GET", "api/uploads?status=Bogus", null, HttpStatusCode.BadRequest, "InvalidStatus"),
            ("GET", "api/uploads?pageSize=0", null, HttpStatusCode.BadRequest, "InvalidPageSize"),
            ("GET", "api/uploads?pageSize=501", null, HttpStatusCode.BadRequest, "InvalidPageSize"),
            ("GET", "api/uploads?pageSize=ten", null, HttpStatusCode.BadRequest, "InvalidPageSize"),
            ("GET", "api/uploads?continuationToken=not-a-token", null, HttpStatusCode.BadRequest, "InvalidContinuationToken"),
            ("GET", "api/uploads/upl-00000000000000000000000000000000", null, HttpStatusCode.NotFound, "NotFound"),
            ("GET", "api/uploads/not-an-upload", null, HttpStatusCode.NotFound, "NotFound"),
            ("GET", "api/uploads/upl-a%23b%3Fc%5Cd%01", null, HttpStatusCode.NotFound, "NotFound"),
            ("GET", "api/uploads/upl-" + new string('f', 2000), null, HttpStatusCode.NotFound, "NotFound"),
            ("POST", "api/uploads/upl-0000%0A/cancel", null, HttpStatusCode.NotFound, "NotFound"),
            ("GET", "api/media/videos/a%23b%3Fc%5Cd%01", null, HttpStatusCode.BadRequest, "InvalidMediaId"),
            ("GET", "api/media/images/" + new string('a', 2000), null, HttpStatusCode.BadRequest, "InvalidMediaId"),
            ("POST", "api/uploads/upl-00000000000000000000000000000000/stop", null, HttpStatusCode.NotFound, "NotFound"),
            ("POST", "api/uploads/upl-00000000000000000000000000000000/resume", null, HttpStatusCode.NotFound, "NotFound"),
            ("POST", "api/uploads/upl-00000000000000000000000000000000/cancel", null, HttpStatusCode.NotFound, "NotFound"),
            ("POST", "api/uploads/upl-00000000000000000000000000000000/retry", null, HttpStatusCode.NotFound, "NotFound"),
            ("DELETE", "api/uploads/upl-00000000000000000000000000000000", null, HttpStatusCode.NotFound, "NotFound"),
            ("GET", "api/media?kind=audio", null, HttpStatusCode.BadRequest, "InvalidKind"),
            ("GET", "api/media/videos/no-such-video", null, HttpStatusCode.NotFound, "NotFound"),
        };

        // Act + Assert
        foreach (var (method, path, body, status, code) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await app.Api.SendAsync(request);
            try
            {
                await Problem.AssertAsync(response, status, code);
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"{method} {path} {body}: {ex.Message}");
            }
        }
    });

    [HostFact]
    public Task Finished_uploads_refuse_stop_and_resume_and_requests_without_a_key_are_refused() => app.RunAsync(async () =>
    {
        // Arrange: a finished upload.
        var name = $"finished-{Sources.Tag()}.mp4";
        await Sources.PutAsync(app.Blobs, "vod-manual", name, 1000);
        using var started = await app.Api.PostAsync("api/uploads", new StringContent($$"""{"name":"{{name}}","container":"vod-manual"}""", Encoding.UTF8, "application/json"));
        var id = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(started.Content)).GetProperty("id").GetString()!;
        await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120));

        // Act + Assert
        foreach (var action in new[] { "stop", "resume", "retry" })
        {
            using var response = await app.Api.PostAsync($"api/uploads/{id}/{action}", null);
            await Problem.AssertAsync(response, HttpStatusCode.Conflict, "InvalidState");
        }

        // The real host checks function keys (Core Tools, which leaves FunctionKey empty, does not).
        if (app.Host.FunctionKey.Length > 0)
        {
            using var anonymous = new HttpClient { BaseAddress = app.Host.BaseUri };
            using var refused = await anonymous.GetAsync("api/uploads");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    });
}
