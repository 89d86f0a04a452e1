using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Astrolabe.Hub.Identity;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Astrolabe.Hub.JupyterApi;

/// <summary>The JupyterHub-compatible REST API under /hub/api: what jupyterhub-singleuser, jupyterhub-idle-culler
/// and JupyterHub's clients call. Handlers are thin; the model lives in Accounts, HubStore and ServerSessions.</summary>
public static class HubApi
{
    public static void MapHubApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/hub/api").AddEndpointFilter(async (ctx, next) =>
        {
            try { return await next(ctx); }
            catch (ApiRequest.BadRequest e) { return HubErrors.Result(e.Status, e.Message); }
            catch (ProfileException e) { return HubErrors.Result(e.Status, e.Message); }
            catch (ArgumentException e) { return HubErrors.Result(400, e.Message); }
        });
        api.MapGet("/", () => Json(new Dictionary<string, object?> { ["version"] = ApiModels.Version }));
        api.MapGet("/user", CurrentUser).RequireAuthorization();
        api.MapGet("/users", ListUsers).RequireAuthorization();
        api.MapGet("/users/{name}", GetUser).RequireAuthorization();
        api.MapPost("/users/{name}", CreateUser).RequireAuthorization();
        api.MapDelete("/users/{name}", DeleteUser).RequireAuthorization();
        api.MapPost("/users/{name}/activity", Activity).RequireAuthorization();
        api.MapPost("/users/{name}/server", (string name, HttpContext http, ClaimsPrincipal me, HubStore store, ServerSessions sessions, HubOptions options,
            CancellationToken ct) => StartServer(name, "", http, me, store, sessions, options, ct)).RequireAuthorization();
        api.MapDelete("/users/{name}/server", (string name, ClaimsPrincipal me, HubStore store, ServerSessions sessions, CancellationToken ct) =>
            StopServer(name, "", me, store, sessions, ct)).RequireAuthorization();
        api.MapGet("/users/{name}/server/progress", (string name, HttpContext http, ClaimsPrincipal me, HubStore store, ServerSessions sessions) =>
            ProgressStream(name, "", http, me, store, sessions)).RequireAuthorization();
        api.MapPost("/users/{name}/servers/{server}", StartServer).RequireAuthorization();
        api.MapDelete("/users/{name}/servers/{server}", StopServer).RequireAuthorization();
        api.MapGet("/users/{name}/servers/{server}/progress", ProgressStream).RequireAuthorization();
        api.MapGet("/users/{name}/tokens", ListTokens).RequireAuthorization();
        api.MapPost("/users/{name}/tokens", CreateToken).RequireAuthorization();
        api.MapGet("/users/{name}/tokens/{id}", GetToken).RequireAuthorization();
        api.MapDelete("/users/{name}/tokens/{id}", DeleteToken).RequireAuthorization();
        api.MapGet("/groups", ListGroups).RequireAuthorization();
        api.MapGet("/groups/{group}", GetGroup).RequireAuthorization();
        api.MapPost("/groups/{group}", CreateGroup).RequireAuthorization();
        api.MapDelete("/groups/{group}", DeleteGroup).RequireAuthorization();
        api.MapPost("/groups/{group}/users", (string group, HttpContext http, ClaimsPrincipal me, HubStore store, HubOptions options, CancellationToken ct) =>
            ChangeGroupMembers(group, add: true, http, me, store, options, ct)).RequireAuthorization();
        api.MapDelete("/groups/{group}/users", (string group, HttpContext http, ClaimsPrincipal me, HubStore store, HubOptions options, CancellationToken ct) =>
            ChangeGroupMembers(group, add: false, http, me, store, options, ct)).RequireAuthorization();
        api.MapOAuth();
    }

    private static IResult Json(Dictionary<string, object?> model, int? statusCode = null) =>
        Results.Json(model, HubJsonContext.Default.DictionaryStringObject, statusCode: statusCode);

    private static IResult Json(List<Dictionary<string, object?>> models) => Results.Json(models, HubJsonContext.Default.ListDictionaryStringObject);

    private static IResult Forbidden(string what) => HubErrors.Result(403, $"Not allowed to {what}.");
    private static IResult NoUser(string name) => HubErrors.Result(404, $"No such user: '{name}'.");

    private static async Task<IResult> CurrentUser(ClaimsPrincipal me, HubStore store, CancellationToken ct)
    {
        var scopes = me.FindAll(Scopes.ClaimType).Select(c => c.Value).ToList();
        var name = me.Identity!.Name!;
        Dictionary<string, object?> model;
        if (me.FindFirst(Scopes.KindClaim)?.Value == "service")
            model = new() { ["kind"] = "service", ["name"] = name, ["admin"] = false, ["roles"] = Array.Empty<string>() };
        else
        {
            var user = await store.FindUserAsync(name, ct);
            if (user is null) return HubErrors.Result(403, "The token's user no longer exists.");
            model = ApiModels.User(user, await store.ListServersAsync([name], ct), (await store.ListGroupsOfUsersAsync([name], ct))[name]);
        }
        model["scopes"] = scopes;
        model["session_id"] = me.FindFirst(Scopes.SessionClaim)?.Value;
        model["token_id"] = me.FindFirst(Scopes.TokenIdClaim)?.Value;
        return Json(model);
    }

    /// <summary>JupyterHub's user list, plus `sort` (name, last_activity, created; a leading '-' for descending),
    /// done by the database like the state filter and paging.</summary>
    private static async Task<IResult> ListUsers(HttpContext http, ClaimsPrincipal me, HubStore store, string? state, int? offset, int? limit,
        string? name_filter, string? sort, CancellationToken ct)
    {
        if (!Scopes.AllowsAll(me, Scopes.ListUsers) && !Scopes.AllowsAll(me, Scopes.ReadUsers)) return Forbidden("list users");
        if (state is not (null or "" or "ready" or "active" or "inactive"))
            return HubErrors.Result(400, $"state must be 'ready', 'active' or 'inactive', not '{state}'.");
        var from = Math.Max(0, offset ?? 0);
        var size = Math.Clamp(limit ?? 200, 1, 200);
        if (name_filter is { Length: > 64 }) return HubErrors.Result(400, "name_filter must be at most 64 characters.");
        var descending = sort is ['-', ..];
        HubStore.UserSort? by = sort?.TrimStart('-') switch
        {
            null or "" or "name" => HubStore.UserSort.Name, "last_activity" => HubStore.UserSort.LastActivity, "created" => HubStore.UserSort.Created, _ => null,
        };
        if (by is null) return HubErrors.Result(400, $"sort must be name, last_activity or created (with a leading '-' for descending), not '{sort}'.");
        var (users, total) = await store.ListUsersAsync(state is "" ? null : state, from, size, ct, name_filter, by.Value, descending);
        var servers = (await store.ListServersAsync(users.Select(u => u.Name), ct)).ToLookup(s => s.UserName);
        var groups = await store.ListGroupsOfUsersAsync(users.Select(u => u.Name), ct);
        var items = users.Select(u => ApiModels.User(u, servers[u.Name], groups[u.Name])).ToList();
        if (!http.Request.Headers.Accept.ToString().Contains("application/jupyterhub-pagination+json")) return Json(items);
        Dictionary<string, object?>? next = null;
        if (from + items.Count < total)
        {
            var query = $"offset={from + items.Count}&limit={size}" + (string.IsNullOrEmpty(state) ? "" : $"&state={state}")
                        + (string.IsNullOrEmpty(name_filter) ? "" : $"&name_filter={Uri.EscapeDataString(name_filter)}")
                        + (string.IsNullOrEmpty(sort) ? "" : $"&sort={Uri.EscapeDataString(sort)}");
            next = PageLink(from + items.Count, size, $"{http.Request.Scheme}://{http.Request.Host}/hub/api/users?{query}");
        }
        return Json(new Dictionary<string, object?>
        {
            ["items"] = items,
            ["_pagination"] = Pagination(from, size, total, next),
        });
    }

    private static async Task<IResult> GetUser(string name, ClaimsPrincipal me, HubStore store, CancellationToken ct)
    {
        if (!Scopes.Allows(me, Scopes.ReadUsers, name)) return Forbidden($"read user '{name}'");
        var user = await store.FindUserAsync(name, ct);
        return user is null ? NoUser(name)
            : Json(ApiModels.User(user, await store.ListServersAsync([name], ct), (await store.ListGroupsOfUsersAsync([name], ct))[name]));
    }

    private static async Task<IResult> CreateUser(string name, HttpContext http, ClaimsPrincipal me, Accounts accounts, HubOptions options, CancellationToken ct)
    {
        if (!Scopes.AllowsAll(me, Scopes.AdminUsers)) return Forbidden("create users");
        var body = await ApiRequest.ReadJsonAsync(http, options.MaxApiBodyBytes);
        if (body is { } b && b.ValueKind != JsonValueKind.Object) return HubErrors.Result(400, "Expected a JSON object such as {\"admin\": false}.");
        var admin = ApiRequest.OptionalBool(body, "admin") ?? false; // a value that is not true or false is refused, not read as false
        if (!UserName.IsValid(name, out var why)) return HubErrors.Result(400, why);
        if (await accounts.Store.FindUserAsync(name, ct) is not null) return HubErrors.Result(409, $"User '{name}' already exists.");
        var user = await accounts.AddUserAsync(name, admin, ApiRequest.OptionalString(body, "password"), ct);
        return Json(ApiModels.User(user, [], []), statusCode: 201);
    }

    private static async Task<IResult> DeleteUser(string name, ClaimsPrincipal me, HubStore store, ServerSessions sessions, CancellationToken ct)
    {
        if (!Scopes.AllowsAll(me, Scopes.AdminUsers)) return Forbidden("delete users");
        if (name == me.Identity!.Name) return HubErrors.Result(400, "You cannot delete yourself.");
        if (await store.FindUserAsync(name, ct) is null) return NoUser(name);
        await sessions.StopAllOfUserAsync(name, ct);
        await store.RemoveUserAsync(name, ct);
        return Results.NoContent();
    }

    private static async Task<IResult> Activity(string name, HttpContext http, ClaimsPrincipal me, HubStore store, HubOptions options, CancellationToken ct)
    {
        if (!Scopes.Allows(me, Scopes.UsersActivity, name)) return Forbidden($"report activity for '{name}'");
        var body = await ApiRequest.ReadJsonAsync(http, options.MaxApiBodyBytes);
        if (body is not { ValueKind: JsonValueKind.Object } o) return HubErrors.Result(400, "Expected a JSON object with 'last_activity' and/or 'servers'.");
        if (await store.FindUserAsync(name, ct) is null) return NoUser(name);
        if (o.TryGetProperty("servers", out var servers))
        {
            if (servers.ValueKind != JsonValueKind.Object) return HubErrors.Result(400, "'servers' must be an object of server name → {last_activity}.");
            foreach (var server in servers.EnumerateObject())
            {
                var when = ParseTime(server.Value, $"servers.{server.Name}.last_activity");
                if (when is { } w) await store.TouchServerActivityAsync(name, server.Name, w, ct);
            }
        }
        if (o.TryGetProperty("last_activity", out _) && ParseTime(o, "last_activity") is { } t) await store.TouchUserActivityAsync(name, t, ct);
        return Results.Ok();
    }

    private static DateTimeOffset? ParseTime(JsonElement holder, string where)
    {
        var element = holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty("last_activity", out var v) ? v : holder;
        if (element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.String ||
            !DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            throw new ApiRequest.BadRequest(400, $"'{where}' must be an ISO-8601 timestamp such as 2026-01-01T00:00:00.000000Z.");
        // Clocks of user servers are not trusted beyond now.
        return t > DateTimeOffset.UtcNow ? DateTimeOffset.UtcNow : t;
    }

    /// <summary>Starts a server. The body is JupyterHub's user options: `{"profile": "large"}` chooses a profile
    /// (kubespawner's convention); an empty body takes the first profile the user may use.</summary>
    private static async Task<IResult> StartServer(string name, string server, HttpContext http, ClaimsPrincipal me, HubStore store, ServerSessions sessions,
        HubOptions options, CancellationToken ct)
    {
        if (!Scopes.Allows(me, Scopes.Servers, name, server)) return Forbidden($"start the server of '{name}'");
        var body = await ApiRequest.ReadJsonAsync(http, options.MaxApiBodyBytes);
        if (body is { } b && b.ValueKind != JsonValueKind.Object) return HubErrors.Result(400, "Expected a JSON object of user options such as {\"profile\": \"large\"}.");
        var unknown = body is { } o ? o.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n != "profile") : null;
        if (unknown is not null) return HubErrors.Result(400, $"Unknown user option '{unknown}'; the only one is 'profile'.");
        var profile = ApiRequest.OptionalString(body, "profile");
        var user = await store.FindUserAsync(name, ct);
        if (user is null) return NoUser(name);
        if (user.Disabled) return HubErrors.Result(403, $"User '{name}' is disabled.");
        if (!await sessions.StartAsync(user, server, profile, ct))
        {
            var existing = await store.FindServerAsync(name, server, ct);
            return existing?.State switch
            {
                ServerState.Running => HubErrors.Result(400, $"{name}'s server is already running."),
                // As JupyterHub: a start while a stop is pending is refused, not queued.
                ServerState.Stopping => HubErrors.Result(400, $"{name}'s server is still stopping; start it again when it has stopped."),
                _ => Json(ApiModels.Server(existing!), statusCode: 202),
            };
        }
        // Wait briefly so a fast start answers 201 like JupyterHub; otherwise 202 and the progress stream.
        var progress = sessions.Progress(name, server);
        if (progress is { Finished: false })
        {
            // Answer the moment the start finishes (ready or failed), for at most a second.
            using var brief = CancellationTokenSource.CreateLinkedTokenSource(ct);
            brief.CancelAfter(TimeSpan.FromSeconds(1));
            try { await foreach (var _ in progress.ReadAllAsync(brief.Token)) { } }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        }
        var record = await store.FindServerAsync(name, server, ct);
        if (progress?.Last is { Failed: true } failed) return HubErrors.Result(500, failed.Message);
        return Json(ApiModels.Server(record!), statusCode: record!.State == ServerState.Running ? 201 : 202);
    }

    private static IResult NoGroup(string group) => HubErrors.Result(404, $"No such group: '{group}'.");

    private static async Task<IResult> ListGroups(HttpContext http, ClaimsPrincipal me, HubStore store, int? offset, int? limit, CancellationToken ct)
    {
        if (!Scopes.AllowsAll(me, Scopes.ListGroups)) return Forbidden("list groups");
        var from = Math.Max(0, offset ?? 0);
        var size = Math.Clamp(limit ?? 200, 1, 200);
        var (groups, total) = await store.ListGroupsAsync(from, size, ct);
        var items = groups.Select(ApiModels.Group).ToList();
        if (!http.Request.Headers.Accept.ToString().Contains("application/jupyterhub-pagination+json")) return Json(items);
        var next = from + items.Count < total
            ? PageLink(from + items.Count, size, $"{http.Request.Scheme}://{http.Request.Host}/hub/api/groups?offset={from + items.Count}&limit={size}")
            : null;
        return Json(new Dictionary<string, object?> { ["items"] = items, ["_pagination"] = Pagination(from, size, total, next) });
    }

    /// <summary>JupyterHub's `_pagination` object of a page (with `application/jupyterhub-pagination+json`).</summary>
    private static Dictionary<string, object?> Pagination(int offset, int limit, long total, Dictionary<string, object?>? next) =>
        new() { ["offset"] = offset, ["limit"] = limit, ["total"] = total, ["next"] = next };

    private static Dictionary<string, object?> PageLink(int offset, int limit, string url) => new() { ["offset"] = offset, ["limit"] = limit, ["url"] = url };

    private static async Task<IResult> GetGroup(string group, ClaimsPrincipal me, HubStore store, CancellationToken ct)
    {
        if (!Scopes.AllowsAll(me, Scopes.ReadGroups)) return Forbidden($"read group '{group}'");
        return await store.FindGroupAsync(group, ct) is { } g ? Json(ApiModels.Group(g)) : NoGroup(group);
    }

    /// <summary>Creates a group, optionally with members: `{"users": ["alice", "bob"]}`.</summary>
    private static async Task<IResult> CreateGroup(string group, HttpContext http, ClaimsPrincipal me, HubStore store, HubOptions options, CancellationToken ct)
    {
        if (!Scopes.AllowsAll(me, Scopes.AdminGroups)) return Forbidden("create groups");
        if (!GroupName.IsValid(group, out var why)) return HubErrors.Result(400, why);
        var users = ApiRequest.OptionalStrings(await ApiRequest.ReadJsonAsync(http, options.MaxApiBodyBytes), "users") ?? [];
        var unknown = new List<string>();
        foreach (var u in users)
            if (await store.FindUserAsync(u, ct) is null) unknown.Add(u);
        if (unknown.Count > 0) return HubErrors.Result(400, $"No such user(s): {string.Join(", ", unknown)}. The group was not created.");
        if (!await store.AddGroupAsync(group, ct)) return HubErrors.Result(409, $"Group '{group}' already exists.");
        if (users.Count > 0) await store.AddGroupMembersAsync(group, users, ct);
        return Json(ApiModels.Group((await store.FindGroupAsync(group, ct))!), statusCode: 201);
    }

    private static async Task<IResult> DeleteGroup(string group, ClaimsPrincipal me, HubStore store, CancellationToken ct)
    {
        if (!Scopes.AllowsAll(me, Scopes.AdminGroups)) return Forbidden("delete groups");
        return await store.RemoveGroupAsync(group, ct) ? Results.NoContent() : NoGroup(group);
    }

    /// <summary>Adds or removes members: `{"users": ["alice"]}`. Adding names a user who does not exist: nothing changes.</summary>
    private static async Task<IResult> ChangeGroupMembers(string group, bool add, HttpContext http, ClaimsPrincipal me, HubStore store, HubOptions options,
        CancellationToken ct)
    {
        if (!Scopes.AllowsAll(me, Scopes.Groups)) return Forbidden($"change the members of group '{group}'");
        var users = ApiRequest.OptionalStrings(await ApiRequest.ReadJsonAsync(http, options.MaxApiBodyBytes), "users")
            ?? throw new ApiRequest.BadRequest(400, "Expected a JSON object such as {\"users\": [\"alice\", \"bob\"]}.");
        if (users.Count > 10_000) return HubErrors.Result(400, "At most 10000 users per request.");
        var change = add ? await store.AddGroupMembersAsync(group, users, ct) : await store.RemoveGroupMembersAsync(group, users, ct);
        if (!change.GroupFound) return NoGroup(group);
        if (add && change.UnknownUsers.Count > 0)
            return HubErrors.Result(400, $"No such user(s): {string.Join(", ", change.UnknownUsers)}. Nobody was added to '{group}'.");
        return Json(ApiModels.Group((await store.FindGroupAsync(group, ct))!));
    }

    private static async Task<IResult> StopServer(string name, string server, ClaimsPrincipal me, HubStore store, ServerSessions sessions, CancellationToken ct)
    {
        if (!Scopes.Allows(me, Scopes.DeleteServers, name, server)) return Forbidden($"stop the server of '{name}'");
        if (await store.FindUserAsync(name, ct) is null) return NoUser(name);
        var record = await store.FindServerAsync(name, server, ct);
        if (record is null or { State: ServerState.Stopped }) return Results.NoContent();
        if (record.State == ServerState.Stopping) return Results.Accepted();
        var stop = sessions.StopAsync(name, server, CancellationToken.None);
        var finished = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(5), ct)) == stop;
        return finished ? Results.NoContent() : Results.Accepted();
    }

    private static async Task ProgressStream(string name, string server, HttpContext http, ClaimsPrincipal me, HubStore store, ServerSessions sessions)
    {
        var ct = http.RequestAborted;
        if (!Scopes.Allows(me, Scopes.ReadServers, name, server)) { await HubErrors.WriteAsync(http, 403, $"Not allowed to read the server of '{name}'."); return; }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        async Task Send(ProgressEvent e)
        {
            var json = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["progress"] = e.Progress, ["message"] = e.Message, ["ready"] = e.Ready, ["failed"] = e.Failed, ["url"] = e.Url,
                ["html_message"] = System.Net.WebUtility.HtmlEncode(e.Message),
            }, HubJsonContext.Default.DictionaryStringObject);
            await http.Response.WriteAsync($"data: {json}\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
        }
        var progress = sessions.Progress(name, server);
        var state = (await store.FindServerAsync(name, server, ct))?.State ?? ServerState.Stopped;
        // The last start's events while they still describe the server: it is starting or running, or the start has
        // not finished, or it failed (the reason is what the user needs). A start that ended ready, of a server since
        // stopped, is over: its "ready" would send the page to a server that is gone.
        if (progress is not null && (state is ServerState.Starting or ServerState.Running || !progress.Finished || progress.Last is { Failed: true }))
        {
            try { await foreach (var e in progress.ReadAllAsync(ct)) await Send(e); }
            catch (OperationCanceledException) { }
            return;
        }
        await Send(state == ServerState.Running
            ? new ProgressEvent(100, "Server ready", Ready: true, Url: ServerSessions.Prefix(name, server))
            : new ProgressEvent(100, state == ServerState.Stopping ? "The server is stopping."
                : sessions.Notice(name, server) ?? "The server is not running.", Failed: true)); // a server that died says why
    }

    private static async Task<IResult> ListTokens(string name, ClaimsPrincipal me, HubStore store, CancellationToken ct)
    {
        if (!Scopes.Allows(me, Scopes.ReadTokens, name)) return Forbidden($"read the tokens of '{name}'");
        var tokens = await store.ListTokensAsync(name, ct);
        return Json(new Dictionary<string, object?>
        {
            ["api_tokens"] = tokens.Where(t => t.Kind == TokenKind.Api).Select(ApiModels.Token).ToList(),
            ["oauth_tokens"] = tokens.Where(t => t.Kind == TokenKind.OAuth).Select(ApiModels.Token).ToList(),
        });
    }

    private static async Task<IResult> GetToken(string name, string id, ClaimsPrincipal me, HubStore store, CancellationToken ct)
    {
        if (!Scopes.Allows(me, Scopes.ReadTokens, name)) return Forbidden($"read the tokens of '{name}'");
        var token = long.TryParse(id, out var n) ? (await store.ListTokensAsync(name, ct)).FirstOrDefault(t => t.Id == n) : null;
        return token is null ? HubErrors.Result(404, $"No token '{id}' for user '{name}'.") : Json(ApiModels.Token(token));
    }

    private static async Task<IResult> CreateToken(string name, HttpContext http, ClaimsPrincipal me, Accounts accounts, HubOptions options, CancellationToken ct)
    {
        if (!Scopes.Allows(me, Scopes.Tokens, name)) return Forbidden($"create tokens for '{name}'");
        var body = await ApiRequest.ReadJsonAsync(http, options.MaxApiBodyBytes);
        if (body is { } b && b.ValueKind != JsonValueKind.Object) return HubErrors.Result(400, "Expected a JSON object such as {\"note\": \"...\", \"expires_in\": 3600, \"scopes\": [...]}.");
        var user = await accounts.Store.FindUserAsync(name, ct);
        if (user is null) return NoUser(name);
        var expiresIn = ApiRequest.OptionalNumber(body, "expires_in");
        var scopes = ApiRequest.OptionalStrings(body, "scopes");
        // A token made with a token can never hold more than the token that made it.
        if (scopes is not null && me.FindFirst(Scopes.KindClaim)?.Value == "user" && me.FindFirst(Scopes.TokenIdClaim) is not null)
            foreach (var s in scopes.Where(s => s != Scopes.Inherit))
                if (!Scopes.Allows(me, s.Split('!')[0], name)) return Forbidden($"grant scope '{s}' with this token");
        var (token, id) = await accounts.CreateTokenAsync(user, scopes, ApiRequest.OptionalString(body, "note") ?? "",
            expiresIn is { } e ? TimeSpan.FromSeconds(e) : null, ct: ct);
        var record = (await accounts.Store.ListTokensAsync(name, ct)).First(t => t.Id == id);
        var model = ApiModels.Token(record);
        model["token"] = token;
        return Json(model, statusCode: 201);
    }

    private static async Task<IResult> DeleteToken(string name, string id, ClaimsPrincipal me, Accounts accounts, CancellationToken ct)
    {
        if (!Scopes.Allows(me, Scopes.Tokens, name)) return Forbidden($"revoke the tokens of '{name}'");
        if (!long.TryParse(id, out var n) || !await accounts.RevokeTokenAsync(name, n, ct)) return HubErrors.Result(404, $"No token '{id}' for user '{name}'.");
        return Results.NoContent();
    }
}
