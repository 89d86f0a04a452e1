using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Astrolabe.Hub;

/// <summary>Errors in JupyterHub's shape: `{"status": 404, "message": "..."}`.</summary>
public static class HubErrors
{
    public static async Task WriteAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(Body(status, message), HubJsonContext.Default.DictionaryStringObject), context.RequestAborted);
    }

    public static IResult Result(int status, string message) =>
        Results.Json(Body(status, message), HubJsonContext.Default.DictionaryStringObject, statusCode: status);

    private static Dictionary<string, object?> Body(int status, string message) => new() { ["status"] = status, ["message"] = message };
}
