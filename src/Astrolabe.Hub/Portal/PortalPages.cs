using System.Globalization;
using System.Security.Claims;
using Astrolabe.Hub.Identity;
using Astrolabe.Hub.JupyterApi;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.State;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Astrolabe.Hub.Portal.Layout;

namespace Astrolabe.Hub.Portal;

/// <summary>The browser pages: log in and out, the home page with the server's state and live start progress, and tokens.</summary>
public static class PortalPages
{
    public static void MapPortal(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/hub/home"));
        app.MapGet("/hub", () => Results.Redirect("/hub/home"));
        app.MapGet("/hub/", () => Results.Redirect("/hub/home"));
        app.MapGet("/hub/logo", () => Results.Content(Logo, "image/svg+xml"));
        app.MapGet("/hub/login", LoginPage);
        app.MapPost("/hub/login", Login);
        app.MapPost("/hub/logout", Logout);
        app.MapGet("/hub/home", Home).RequireAuthorization();
        app.MapPost("/hub/spawn", Spawn).RequireAuthorization();
        app.MapPost("/hub/stop", Stop).RequireAuthorization();
        app.MapGet("/hub/password", PasswordPage).RequireAuthorization();
        app.MapPost("/hub/password", ChangePassword).RequireAuthorization();
        app.MapGet("/hub/token", Tokens).RequireAuthorization();
        app.MapPost("/hub/token", CreateToken).RequireAuthorization();
        app.MapPost("/hub/token/revoke", RevokeToken).RequireAuthorization();
    }

    /// <summary>The mark that user servers show in their header (they link `/hub/logo`).</summary>
    private const string Logo = """
        <svg xmlns="http://www.w3.org/2000/svg" width="150" height="28" viewBox="0 0 150 28">
          <circle cx="14" cy="14" r="11" fill="none" stroke="#14213d" stroke-width="2.5"/>
          <line x1="3" y1="14" x2="25" y2="14" stroke="#14213d" stroke-width="1.5"/>
          <line x1="8" y1="22" x2="21" y2="5" stroke="#fca311" stroke-width="2.5"/>
          <text x="32" y="20" font-family="sans-serif" font-size="17" fill="#14213d">Astrolabe</text>
        </svg>
        """;

    /// <summary>Only a local path may follow a login, never another site.</summary>
    private static string SafeNext(string? next) =>
        next is { Length: > 0 and < 2000 } && next[0] == '/' && !next.StartsWith("//", StringComparison.Ordinal) && !next.Contains('\\') ? next : "/hub/home";

    private static IResult LoginPage(HttpContext http, string? next, string? error = null, int status = 200) =>
        Page(http, "Log in", null, $"""
            <h1>Log in</h1>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
            <form method="post" action="/hub/login">
              {Antiforgery(http)}
              <input type="hidden" name="next" value="{E(SafeNext(next))}">
              <p><label>User name<br><input type="text" name="username" autocomplete="username" autofocus required maxlength="64"></label></p>
              <p><label>Password<br><input type="password" name="password" autocomplete="current-password" required maxlength="1024"></label></p>
              <p><button type="submit">Log in</button></p>
            </form>
            """, status);

    private static async Task<IResult> Login(HttpContext http, Accounts accounts, HubOptions options)
    {
        if (!http.Request.HasFormContentType) return LoginPage(http, null, "Send the login form.", 400);
        if (await AntiforgeryErrorAsync(http) is { } bad) return LoginPage(http, null, bad, 400);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string user = form["username"].ToString(), password = form["password"].ToString(), next = form["next"].ToString();
        var (outcome, session, until) = await accounts.LoginAsync(user, password, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        switch (outcome)
        {
            case Accounts.LoginOutcome.Locked:
                return LoginPage(http, next, $"Too many failed attempts. Try again after {until:HH:mm} UTC.", 429);
            case Accounts.LoginOutcome.Wrong:
                return LoginPage(http, next, "Wrong user name or password.", 403);
        }
        SetSessionCookie(http, options, session!);
        return Results.Redirect(SafeNext(next));
    }

    private static void SetSessionCookie(HttpContext http, HubOptions options, string session) =>
        http.Response.Cookies.Append(HubIdentity.SessionCookie, session, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", IsEssential = true,
            Secure = options.SecureCookies == "Always" || (options.SecureCookies == "Auto" && http.Request.IsHttps),
            Expires = DateTimeOffset.UtcNow.AddHours(options.SessionHours),
        });

    private static IResult PasswordPage(HttpContext http, ClaimsPrincipal me, string? error = null, bool changed = false, int status = 200) =>
        Page(http, "Password", me.Identity!.Name, $"""
            <h1>Change your password</h1>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
            {(changed ? "<p class=\"ok\" role=\"status\" id=\"changed\">Your password is changed. Your other browser sessions are signed out.</p>" : "")}
            <form method="post" action="/hub/password">
              {Antiforgery(http)}
              <p><label>Current password<br><input type="password" name="current" autocomplete="current-password" required maxlength="1024"></label></p>
              <p><label>New password (at least {Accounts.MinPasswordLength} characters)<br><input type="password" name="new" autocomplete="new-password" required minlength="{Accounts.MinPasswordLength}" maxlength="1024"></label></p>
              <p><label>New password again<br><input type="password" name="confirm" autocomplete="new-password" required maxlength="1024"></label></p>
              <p><button type="submit">Change password</button></p>
            </form>
            """, status);

    private static async Task<IResult> ChangePassword(HttpContext http, ClaimsPrincipal me, Accounts accounts, HubOptions options)
    {
        if (await AntiforgeryErrorAsync(http) is { } bad) return PasswordPage(http, me, bad, status: 400);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string current = form["current"].ToString(), replacement = form["new"].ToString();
        if (replacement != form["confirm"].ToString()) return PasswordPage(http, me, "The two new passwords differ.", status: 400);
        try
        {
            var (outcome, session, until) = await accounts.ChangePasswordAsync(me.Identity!.Name!, current, replacement,
                http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
            switch (outcome)
            {
                case Accounts.LoginOutcome.Locked: return PasswordPage(http, me, $"Too many failed attempts. Try again after {until:HH:mm} UTC.", status: 429);
                case Accounts.LoginOutcome.Wrong: return PasswordPage(http, me, "The current password is wrong.", status: 403);
            }
            SetSessionCookie(http, options, session!);
            return PasswordPage(http, me, changed: true);
        }
        catch (ArgumentException e) { return PasswordPage(http, me, "The new password: " + e.Message, status: 400); }
    }

    private static async Task<IResult> Logout(HttpContext http, Accounts accounts)
    {
        if (await AntiforgeryErrorAsync(http) is { } bad) return LoginPage(http, null, bad, 400);
        if (http.Request.Cookies.TryGetValue(HubIdentity.SessionCookie, out var session))
            await accounts.LogoutAsync(Secrets.Hash(session), http.RequestAborted);
        http.Response.Cookies.Delete(HubIdentity.SessionCookie, new CookieOptions { Path = "/" });
        return Results.Redirect("/hub/login");
    }

    private static async Task<IResult> Home(HttpContext http, ClaimsPrincipal me, HubStore store, ServerSessions sessions, HubOptions options, Profiles profiles,
        string? error)
    {
        var name = me.Identity!.Name!;
        var groups = (await store.ListGroupsOfUsersAsync([name], http.RequestAborted))[name].ToList();
        var choices = profiles.AvailableTo(me.HasClaim(Scopes.AdminClaim, "true"), groups);
        var profileChoice = ProfileChoice(choices);
        var server = await store.FindServerAsync(name, "", http.RequestAborted);
        var state = server?.State ?? ServerState.Stopped;
        var last = sessions.Progress(name, "")?.Last;
        var prefix = ServerSessions.Prefix(name, "");
        var failure = error ?? (state == ServerState.Stopped && last is { Failed: true } ? last.Message : null);
        var notice = sessions.Notice(name, "");
        var body = state switch
        {
            ServerState.Running => $"""
                <p class="ok" id="state">Your server is running{(server?.Profile is { } running && choices.Count > 1 ? $" (profile {E(running)})" : "")}.</p>
                <p><a href="{E(prefix)}"><button type="button" id="open">Open my server</button></a></p>
                <form method="post" action="/hub/stop">{Antiforgery(http)}<button class="secondary" type="submit" id="stop">Stop my server</button></form>
                """,
            ServerState.Starting => $$"""
                <p id="state">Your server is starting…</p>
                <progress id="bar" max="100" value="{{last?.Progress ?? 0}}"></progress>
                <p id="message" class="muted">{{E(last?.Message)}}</p>
                <pre id="failure" class="error" hidden></pre>
                <script>
                  const source = new EventSource("/hub/api/users/{{E(Uri.EscapeDataString(name))}}/server/progress");
                  source.onmessage = (m) => {
                    const e = JSON.parse(m.data);
                    document.getElementById("bar").value = e.progress;
                    document.getElementById("message").textContent = e.message;
                    if (e.ready) { source.close(); window.location.href = e.url; }
                    if (e.failed) { source.close(); const f = document.getElementById("failure"); f.textContent = e.message; f.hidden = false;
                                    document.getElementById("state").textContent = "Your server could not start."; }
                  };
                </script>
                """,
            ServerState.Stopping => """<p id="state">Your server is stopping… <a href="/hub/home">refresh</a></p>""",
            _ => $"""
                <p id="state">Your server is not running.</p>
                {(choices.Count == 0 ? "<p class=\"error\" id=\"no-profile\">No server profile is open to you yet: ask an administrator to add you to a group.</p>" :
                  $"<form method=\"post\" action=\"/hub/spawn\">{Antiforgery(http)}{profileChoice}<button type=\"submit\" id=\"start\">Start my server</button></form>")}
                """,
        };
        var admin = me.HasClaim(Scopes.AdminClaim, "true") ? " <span class=\"muted\">(administrator)</span>" : "";
        var named = (await store.ListServersAsync([name], http.RequestAborted)).Where(s => s.Name.Length > 0 && s.State != ServerState.Stopped).ToList();
        var namedRows = string.Concat(named.Select(s => $"""
            <tr data-server="{E(s.Name)}"><td><a href="{E(ServerSessions.Prefix(name, s.Name))}">{E(s.Name)}</a></td><td>{s.State}</td>
            <td><form method="post" action="/hub/stop" style="margin:0">{Antiforgery(http)}<input type="hidden" name="server" value="{E(s.Name)}"><button class="secondary" type="submit">Stop</button></form></td></tr>
            """));
        body += options.MaxNamedServers == 0 ? "" : $"""
            <h2>Named servers</h2>
            {(named.Count == 0 ? "<p class=\"muted\">None running. A named server is a second server of yours, e.g. for a long job.</p>" : $"<table id=\"named\">{namedRows}</table>")}
            <form method="post" action="/hub/spawn">{Antiforgery(http)}{(choices.Count > 1 ? ProfileSelect(choices) : "")}<input type="text" name="server" required maxlength="32" placeholder="name, e.g. analysis">
              <button type="submit" id="start-named">Start a named server</button> <span class="muted">(up to {options.MaxNamedServers})</span></form>
            """;
        return Page(http, "Home", name, $"""
            <h1>Welcome, {E(name)}{admin}</h1>
            {(failure is null ? "" : $"<pre class=\"error\" role=\"alert\" id=\"error\">{E(failure)}</pre>")}
            {(notice is null ? "" : $"<pre class=\"error\" role=\"status\" id=\"notice\">{E(notice)}</pre>")}
            {body}
            <p class="muted">Your notebooks live in your home directory and stay there between servers. <a href="/hub/token">API tokens</a> let programs act as you.</p>
            """);
    }

    /// <summary>The profiles a user may choose, as radio buttons with what each gives (nothing to choose: nothing shown).</summary>
    private static string ProfileChoice(IReadOnlyList<ServerProfile> choices) => choices.Count <= 1 ? "" :
        "<fieldset id=\"profiles\"><legend>Server profile</legend>" + string.Concat(choices.Select((p, i) => $"""
            <p><label><input type="radio" name="profile" value="{E(p.Name)}"{(i == 0 ? " checked" : "")}> <strong>{E(p.DisplayName)}</strong>
            <span class="muted">— {E(p.Summary)}{(p.Description.Length > 0 ? ". " + E(p.Description) : "")}</span></label></p>
            """)) + "</fieldset>";

    private static string ProfileSelect(IReadOnlyList<ServerProfile> choices) =>
        "<select name=\"profile\" aria-label=\"profile\">" + string.Concat(choices.Select(p => $"<option value=\"{E(p.Name)}\">{E(p.DisplayName)}</option>")) + "</select> ";

    private static async Task<IResult> Spawn(HttpContext http, ClaimsPrincipal me, HubStore store, ServerSessions sessions)
    {
        if (await AntiforgeryErrorAsync(http) is { } bad) return Results.Redirect("/hub/home?error=" + Uri.EscapeDataString(bad));
        var user = await store.FindUserAsync(me.Identity!.Name!, http.RequestAborted);
        if (user is null || user.Disabled) return Results.Redirect("/hub/login");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var server = form["server"].ToString().Trim();
        var profile = form["profile"].ToString().Trim();
        try { await sessions.StartAsync(user, server, profile.Length == 0 ? null : profile, http.RequestAborted); }
        catch (ArgumentException e) { return Results.Redirect("/hub/home?error=" + Uri.EscapeDataString(e.Message)); }
        return Results.Redirect(server.Length == 0 ? "/hub/home" : "/hub/home?started=" + Uri.EscapeDataString(server));
    }

    private static async Task<IResult> Stop(HttpContext http, ClaimsPrincipal me, ServerSessions sessions)
    {
        if (await AntiforgeryErrorAsync(http) is { } bad) return Results.Redirect("/hub/home?error=" + Uri.EscapeDataString(bad));
        var server = (await http.Request.ReadFormAsync(http.RequestAborted))["server"].ToString().Trim();
        await sessions.StopAsync(me.Identity!.Name!, server, http.RequestAborted);
        return Results.Redirect("/hub/home");
    }

    private static async Task<IResult> Tokens(HttpContext http, ClaimsPrincipal me, HubStore store, string? created = null, string? error = null, int status = 200)
    {
        var name = me.Identity!.Name!;
        var tokens = (await store.ListTokensAsync(name, http.RequestAborted)).Where(t => t.Kind == TokenKind.Api).ToList();
        var rows = string.Concat(tokens.Select(t => $"""
            <tr><td><code>{E(t.Prefix)}…</code></td><td>{E(t.Note)}</td><td>{E(string.Join(" ", t.Scopes))}</td>
            <td>{E(ShortTime(t.Created))}</td><td>{E(ShortTime(t.Expires, "never"))}</td>
            <td>{E(ShortTime(t.LastUsed))}</td>
            <td><form method="post" action="/hub/token/revoke" style="margin:0">{Antiforgery(http)}<input type="hidden" name="id" value="{t.Id}"><button class="secondary" type="submit">Revoke</button></form></td></tr>
            """));
        return Page(http, "Tokens", name, $"""
            <h1>API tokens</h1>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}
            {(created is null ? "" : $"<p>Your new token — copy it now, it is shown only once:</p><p><code class=\"token\" id=\"new-token\">{E(created)}</code></p><p class=\"muted\">Send it as <code>Authorization: token …</code>.</p>")}
            <form method="post" action="/hub/token">
              {Antiforgery(http)}
              <p><label>Note<br><input type="text" name="note" maxlength="200" placeholder="what this token is for"></label></p>
              <p><label>Expires in (days, empty for never)<br><input type="number" name="expires_days" min="1" max="3650"></label></p>
              <p><button type="submit">Create a token</button></p>
            </form>
            <h2>Your tokens</h2>
            {(tokens.Count == 0 ? "<p class=\"muted\">None yet.</p>" : $"<table><tr><th>Token</th><th>Note</th><th>Scopes</th><th>Created</th><th>Expires</th><th>Last used</th><th></th></tr>{rows}</table>")}
            """, status);
    }

    private static async Task<IResult> CreateToken(HttpContext http, ClaimsPrincipal me, Accounts accounts, HubStore store)
    {
        if (await AntiforgeryErrorAsync(http) is { } bad) return await Tokens(http, me, store, error: bad, status: 400);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        TimeSpan? expires = null;
        if (form["expires_days"].ToString() is { Length: > 0 } d)
        {
            if (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 3650)
                return await Tokens(http, me, store, error: $"Expires in must be a whole number of days from 1 to 3650, not '{d}'.", status: 400);
            expires = TimeSpan.FromDays(days);
        }
        var user = await store.FindUserAsync(me.Identity!.Name!, http.RequestAborted);
        try
        {
            var (token, _) = await accounts.CreateTokenAsync(user!, null, form["note"].ToString(), expires, ct: http.RequestAborted);
            return await Tokens(http, me, store, created: token);
        }
        catch (ArgumentException e) { return await Tokens(http, me, store, error: e.Message, status: 400); }
    }

    private static async Task<IResult> RevokeToken(HttpContext http, ClaimsPrincipal me, Accounts accounts, HubStore store)
    {
        if (await AntiforgeryErrorAsync(http) is { } bad) return await Tokens(http, me, store, error: bad, status: 400);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (!long.TryParse(form["id"], out var id) || !await accounts.RevokeTokenAsync(me.Identity!.Name!, id, http.RequestAborted))
            return await Tokens(http, me, store, error: "No such token.", status: 404);
        return Results.Redirect("/hub/token");
    }
}
