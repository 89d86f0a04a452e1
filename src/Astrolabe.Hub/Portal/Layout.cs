using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Astrolabe.Hub.Portal;

/// <summary>The plain HTML frame every portal page shares. Pages are server-rendered; values pass through <see cref="E"/>.</summary>
public static class Layout
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A time to the minute for a page (UTC, `2026-11-22 08:50`), or <paramref name="none"/>.</summary>
    public static string ShortTime(DateTimeOffset? when, string none = "—") =>
        when is { } w ? Astrolabe.Hub.JupyterApi.ApiModels.Time(w)![..16].Replace('T', ' ') : none;

    /// <summary>The hidden antiforgery field every form carries.</summary>
    public static string Antiforgery(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
    }

    /// <summary>Null when the posted form carries a valid antiforgery token, otherwise the message to show.</summary>
    public static async Task<string?> AntiforgeryErrorAsync(HttpContext http)
    {
        try { await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http); return null; }
        catch (AntiforgeryValidationException) { return "The form expired or did not come from this site; reload the page and try again."; }
    }

    public static IResult Page(HttpContext http, string title, string? user, string body, int status = 200) => Results.Content($$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · Astrolabe</title>
        <style>
          body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f6f7f9; }
          header { background: #14213d; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.2rem; align-items: center; }
          header a { color: #fff; text-decoration: none; } header .grow { flex: 1; }
          main { max-width: 52rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
          button, input[type=submit] { font: inherit; padding: .45rem 1rem; border-radius: 5px; border: 1px solid #14213d; background: #14213d; color: #fff; cursor: pointer; }
          button.secondary { background: #fff; color: #14213d; } input[type=text], input[type=password], input[type=number] { font: inherit; padding: .4rem; width: 18rem; }
          .error { color: #a4161a; background: #fde8e8; padding: .6rem .9rem; border-radius: 5px; white-space: pre-wrap; }
          .ok { color: #1d6b2f; } .muted { color: #667; } table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e5e8; }
          progress { width: 100%; height: 1.2rem; } pre.log { background: #111; color: #eee; padding: .8rem; overflow: auto; max-height: 20rem; }
          code.token { background: #fff7d6; padding: .3rem .5rem; font-size: 1.05rem; }
        </style></head>
        <body><header><a href="/hub/home"><strong>Astrolabe</strong></a><span class="grow"></span>
        {{(user is null ? "" : $"<a href=\"/hub/home\">Home</a><a href=\"/hub/token\">Tokens</a><a href=\"/hub/password\">Password</a>{(http.User.HasClaim(Astrolabe.Hub.Scopes.AdminClaim, "true") ? "<a href=\"/hub/admin\">Admin</a>" : "")}<span class=\"muted\">{E(user)}</span><form method=\"post\" action=\"/hub/logout\" style=\"margin:0\">{Antiforgery(http)}<button class=\"secondary\" type=\"submit\">Log out</button></form>")}}
        </header><main>{{body}}</main></body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
