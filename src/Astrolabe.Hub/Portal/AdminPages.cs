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

/// <summary>The administrator's page: users searched, sorted and paged by the database (fast at 10,000+ users), each
/// with their server's state, age, last activity and memory; start/stop any server; add, disable and enable users.</summary>
public static class AdminPages
{
    public const int PageSize = 50;

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/hub/admin", Page).RequireAuthorization();
        app.MapPost("/hub/admin/users", AddUser).RequireAuthorization();
        app.MapPost("/hub/admin/users/{name}/{action}", Act).RequireAuthorization();
        app.MapPost("/hub/admin/temporary", CreateTemporary).RequireAuthorization();
        app.MapGet("/hub/admin/temporary.csv", ExportTemporary).RequireAuthorization();
    }

    private static bool IsAdmin(ClaimsPrincipal me) => me.HasClaim(Scopes.AdminClaim, "true");

    private static IResult NotAdmin(HttpContext http, ClaimsPrincipal me) =>
        Layout.Page(http, "Not allowed", me.Identity!.Name, "<h1>Not allowed</h1><p class=\"error\">Only administrators can open this page.</p>", 403);

    private static async Task<IResult> Page(HttpContext http, ClaimsPrincipal me, HubStore store, ServerSessions sessions, ISpawner spawner,
        string? q, string? sort, string? order, int? page, string? message = null, int status = 200)
    {
        if (!IsAdmin(me)) return NotAdmin(http, me);
        var by = sort switch { "last_activity" => HubStore.UserSort.LastActivity, "created" => HubStore.UserSort.Created, _ => HubStore.UserSort.Name };
        var desc = order == "desc";
        var number = Math.Max(1, page ?? 1);
        q = q is { Length: > 64 } ? q[..64] : q;
        var (users, total) = await store.SearchUsersAsync(q, by, desc, (number - 1) * PageSize, PageSize, http.RequestAborted);
        var servers = (await store.ListServersAsync(users.Select(u => u.Name), http.RequestAborted)).ToLookup(s => s.UserName);
        var groups = await store.ListGroupsOfUsersAsync(users.Select(u => u.Name), http.RequestAborted);
        var pages = Math.Max(1, (int)((total + PageSize - 1) / PageSize));
        string Link(string? s, string? o, int p) =>
            $"/hub/admin?q={Uri.EscapeDataString(q ?? "")}&sort={s ?? sort ?? "name"}&order={o ?? order ?? "asc"}&page={p}";
        string Header(string key, string label) => $"<a href=\"{E(Link(key, sort == key && !desc ? "desc" : "asc", 1))}\">{label}</a>";
        var now = DateTimeOffset.UtcNow;
        // A server's state, profile, age, last activity and memory, as table cells.
        string ServerCells(ServerRecord? server, DateTimeOffset? lastActivity)
        {
            var state = server?.State ?? ServerState.Stopped;
            var memory = server?.SpawnerState is { } st && state == ServerState.Running ? spawner.MemoryUsageBytes(st) : null;
            return $"""
                <td class="state">{state}</td><td class="profile">{E(state != ServerState.Stopped ? server?.Profile ?? "—" : "—")}</td><td>{(server?.Started is { } t && state != ServerState.Stopped ? Age(now - t) : "—")}</td>
                <td>{E(ShortTime(lastActivity))}</td><td>{(memory is { } m ? $"{m / (1024 * 1024)} MiB" : "—")}</td>
                """;
        }
        var rows = string.Concat(users.Select(u =>
        {
            var server = servers[u.Name].FirstOrDefault(s => s.Name.Length == 0);
            var act = server?.State is ServerState.Running or ServerState.Starting ? "stop" : "start";
            // Named servers that are not stopped, each on a row of its own under its user, with its own Stop.
            var named = string.Concat(servers[u.Name].Where(s => s.Name.Length > 0 && s.State != ServerState.Stopped).OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => $"""
                <tr data-user="{E(u.Name)}" data-server="{E(s.Name)}"><td class="muted">↳ {E(u.Name)}/{E(s.Name)}</td><td></td>
                {ServerCells(s, s.LastActivity)}
                <td><form method="post" action="/hub/admin/users/{E(u.Name)}/stop" style="display:inline">{Antiforgery(http)}<input type="hidden" name="server" value="{E(s.Name)}"><button class="secondary" type="submit">Stop</button></form></td></tr>
                """));
            return $"""
                <tr data-user="{E(u.Name)}"><td>{E(u.Name)}{(u.Admin ? " <span class=\"muted\">admin</span>" : "")}{(u.Disabled ? " <span class=\"error\">disabled</span>" : "")}</td>
                <td class="groups">{E(string.Join(", ", groups[u.Name]))}</td>
                {ServerCells(server, u.LastActivity)}
                <td><form method="post" action="/hub/admin/users/{E(u.Name)}/{act}" style="display:inline">{Antiforgery(http)}<button class="secondary" type="submit">{(act == "stop" ? "Stop" : "Start")}</button></form>
                <form method="post" action="/hub/admin/users/{E(u.Name)}/{(u.Disabled ? "enable" : "disable")}" style="display:inline">{Antiforgery(http)}<button class="secondary" type="submit">{(u.Disabled ? "Enable" : "Disable")}</button></form></td></tr>
                """ + named;
        }));
        return Layout.Page(http, "Administration", me.Identity!.Name, $"""
            <h1>Users</h1>
            {(message is null ? "" : $"<p class=\"{(status == 200 ? "ok" : "error")}\" role=\"status\" id=\"message\">{message}</p>")}
            <form method="get" action="/hub/admin"><input type="text" name="q" value="{E(q)}" placeholder="search names" maxlength="64">
              <input type="hidden" name="sort" value="{E(sort ?? "name")}"><input type="hidden" name="order" value="{E(order ?? "asc")}">
              <button type="submit">Search</button></form>
            <p class="muted" id="count">{total} user{(total == 1 ? "" : "s")} · page {number} of {pages}</p>
            <table id="users"><tr><th>{Header("name", "User")}</th><th>Groups</th><th>Server</th><th>Profile</th><th>Age</th><th>{Header("last_activity", "Last activity")}</th><th>Memory</th><th></th></tr>{rows}</table>
            <p>{(number > 1 ? $"<a id=\"prev\" href=\"{E(Link(null, null, number - 1))}\">← previous</a> " : "")}{(number < pages ? $"<a id=\"next\" href=\"{E(Link(null, null, number + 1))}\">next →</a>" : "")}</p>
            <h2>Add a user</h2>
            <form method="post" action="/hub/admin/users">{Antiforgery(http)}
              <input type="text" name="name" required maxlength="24" placeholder="user name"> <label><input type="checkbox" name="admin" value="true"> administrator</label>
              <button type="submit">Add</button></form>
            <h2>Temporary accounts (classes, tutorials)</h2>
            <p class="muted">Made in a batch; at expiry they are disabled, their servers stopped and their homes wiped. The download holds the
            passwords — the only copy.</p>
            <form method="post" action="/hub/admin/temporary">{Antiforgery(http)}
              <input type="text" name="prefix" required maxlength="16" placeholder="prefix, e.g. class"> ×
              <input type="number" name="count" min="1" max="{TemporaryAccounts.MaxBatch}" value="20" style="width:6rem">
              until <input type="date" name="expires" required> <button type="submit">Create and download</button></form>
            <form method="get" action="/hub/admin/temporary.csv"><input type="text" name="prefix" required maxlength="16" placeholder="prefix">
              <button class="secondary" type="submit">Export the list</button></form>
            """, status);
    }

    private static async Task<IResult> CreateTemporary(HttpContext http, ClaimsPrincipal me, TemporaryAccounts temporary, HubStore store,
        ServerSessions sessions, ISpawner spawner)
    {
        if (!IsAdmin(me)) return NotAdmin(http, me);
        if (await AntiforgeryErrorAsync(http) is { } bad) return await Page(http, me, store, sessions, spawner, null, null, null, 1, E(bad), 400);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var prefix = form["prefix"].ToString().Trim();
        if (!int.TryParse(form["count"], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return await Page(http, me, store, sessions, spawner, null, null, null, 1, $"Count must be a whole number, not '{E(form["count"])}'.", 400);
        if (!DateTimeOffset.TryParseExact(form["expires"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
            return await Page(http, me, store, sessions, spawner, null, null, null, 1, $"The expiry must be a date like 2026-12-31, not '{E(form["expires"])}'.", 400);
        try
        {
            // Accounts last through the whole expiry day (UTC).
            var csv = await temporary.CreateAsync(prefix, count, day.AddDays(1), http.RequestAborted);
            return Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv", $"{prefix}-accounts.csv");
        }
        catch (ArgumentException e) { return await Page(http, me, store, sessions, spawner, null, null, null, 1, E(e.Message), 400); }
    }

    private static async Task<IResult> ExportTemporary(HttpContext http, ClaimsPrincipal me, HubStore store, string? prefix)
    {
        if (!IsAdmin(me)) return NotAdmin(http, me);
        var rows = await store.ListTemporaryAsync(prefix ?? "", http.RequestAborted);
        var csv = new System.Text.StringBuilder("name,expires,state\n");
        foreach (var (name, expires, disabled) in rows)
            csv.Append(name).Append(',').Append(ApiModels.Time(expires)).Append(',').Append(disabled ? "disabled" : "active").Append('\n');
        return Results.File(System.Text.Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"{prefix}-accounts.csv");
    }

    private static string Age(TimeSpan t) => t.TotalDays >= 1 ? $"{(int)t.TotalDays} d" : t.TotalHours >= 1 ? $"{(int)t.TotalHours} h" : $"{Math.Max(0, (int)t.TotalMinutes)} min";

    private static async Task<IResult> AddUser(HttpContext http, ClaimsPrincipal me, Accounts accounts, HubStore store, ServerSessions sessions, ISpawner spawner)
    {
        if (!IsAdmin(me)) return NotAdmin(http, me);
        if (await AntiforgeryErrorAsync(http) is { } bad) return await Page(http, me, store, sessions, spawner, null, null, null, 1, E(bad), 400);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var name = form["name"].ToString().Trim();
        try
        {
            var password = Secrets.NewPassword();
            await accounts.AddUserAsync(name, form["admin"] == "true", password, http.RequestAborted);
            return await Page(http, me, store, sessions, spawner, name, null, null, 1,
                $"Added '{E(name)}'. Their password, shown once: <code class=\"token\" id=\"new-password\">{E(password)}</code>");
        }
        catch (ArgumentException e) { return await Page(http, me, store, sessions, spawner, null, null, null, 1, E(e.Message), 400); }
    }

    private static async Task<IResult> Act(string name, string action, HttpContext http, ClaimsPrincipal me, HubStore store, ServerSessions sessions,
        ISpawner spawner, Accounts accounts)
    {
        if (!IsAdmin(me)) return NotAdmin(http, me);
        if (await AntiforgeryErrorAsync(http) is { } bad) return await Page(http, me, store, sessions, spawner, null, null, null, 1, E(bad), 400);
        var user = await store.FindUserAsync(name, http.RequestAborted);
        if (user is null) return await Page(http, me, store, sessions, spawner, null, null, null, 1, $"No such user: '{E(name)}'.", 404);
        string done;
        switch (action)
        {
            case "start" when user.Disabled: return await Page(http, me, store, sessions, spawner, name, null, null, 1, $"'{E(name)}' is disabled.", 400);
            case "start":
                try { await sessions.StartAsync(user, "", null, http.RequestAborted); }
                catch (ArgumentException e) { return await Page(http, me, store, sessions, spawner, name, null, null, 1, E(e.Message), 400); }
                done = "Starting the server of";
                break;
            case "stop":
                var server = (await http.Request.ReadFormAsync(http.RequestAborted))["server"].ToString();
                if (server.Length > 0 && !ServerName.IsValid(server, out var why)) return await Page(http, me, store, sessions, spawner, name, null, null, 1, E(why), 400);
                await sessions.StopAsync(name, server, http.RequestAborted);
                done = server.Length == 0 ? "Stopped the server of" : $"Stopped server '{E(server)}' of";
                break;
            case "disable" when name == me.Identity!.Name: return await Page(http, me, store, sessions, spawner, name, null, null, 1, "You cannot disable yourself.", 400);
            case "disable":
                await store.SetDisabledAsync(name, true, http.RequestAborted);
                await sessions.StopAllOfUserAsync(name, http.RequestAborted);
                accounts.ForgetIdentities();
                done = "Disabled (sessions ended, servers stopped)";
                break;
            case "enable": await store.SetDisabledAsync(name, false, http.RequestAborted); done = "Enabled"; break;
            default: return await Page(http, me, store, sessions, spawner, null, null, null, 1, $"Unknown action '{E(action)}'.", 404);
        }
        return await Page(http, me, store, sessions, spawner, name, null, null, 1, $"{done} '{E(name)}'.");
    }
}
