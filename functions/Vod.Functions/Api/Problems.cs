using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Vod.Functions.Api;

/// <summary>RFC 7807 problem details with a stable <c>code</c> extension, for every error the API returns.</summary>
public static class Problems
{
    /// <summary>A problem response.</summary>
    public static ObjectResult Create(int status, string code, string title, string? detail = null, string? instance = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Instance = instance,
            Type = $"https://vodfunctions.dev/problems/{code}",
        };
        problem.Extensions["code"] = code;
        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { "application/problem+json" } };
    }

    /// <summary>400 with a field error.</summary>
    public static ObjectResult Invalid(string code, string detail) => Create(StatusCodes.Status400BadRequest, code, "The request is invalid.", detail);

    /// <summary>404.</summary>
    public static ObjectResult NotFound(string what) => Create(StatusCodes.Status404NotFound, "NotFound", "Not found.", what);
}
