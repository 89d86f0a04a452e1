using System.Security.Claims;
using Astrolabe.Tap.Output;
using Microsoft.AspNetCore.Http;

namespace Astrolabe.Tap;

/// <summary>Who is asking, as the hub's authentication put it in <see cref="HttpContext.User"/>.</summary>
internal sealed record TapUser(string? Name, bool IsAdmin)
{
    public bool IsAuthenticated => Name is not null;

    public static TapUser From(HttpContext http)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return new TapUser(null, false);
        }
        var name = user.FindFirst(ClaimTypes.Name)?.Value ?? user.Identity.Name;
        return new TapUser(name, user.HasClaim("astrolabe:admin", "true"));
    }
}

/// <summary>Small helpers shared by the TAP endpoints.</summary>
internal static class TapHttp
{
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/tap";

    /// <summary>Writes a TAP error: a VOTable with QUERY_STATUS=ERROR and the message.</summary>
    public static async Task ErrorAsync(HttpContext http, int status, string message)
    {
        if (http.Response.HasStarted)
        {
            return;
        }
        http.Response.StatusCode = status;
        http.Response.ContentType = ResultFormat.VoTable.MediaType;
        await VoTableWriter.WriteErrorAsync(http.Response.Body, message, http.RequestAborted);
    }

    /// <summary>Whether the request may query; writes the 401 error when not.</summary>
    public static async Task<bool> CheckAllowedAsync(HttpContext http, TapService tap)
    {
        if (tap.Options.AllowAnonymous || TapUser.From(http).IsAuthenticated)
        {
            return true;
        }
        await ErrorAsync(http, StatusCodes.Status401Unauthorized,
            "This service does not accept anonymous queries: sign in or send an API token.");
        return false;
    }

    public static Task TextAsync(HttpContext http, string text, int status = 200, string contentType = "text/plain; charset=utf-8")
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        return http.Response.WriteAsync(text, http.RequestAborted);
    }
}
