using System.Collections.Concurrent;
using System.Text.Json;
using Astrolabe.Hub.Identity;
using Astrolabe.Hub.State;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Sessions;

/// <summary>The lifecycle of notebook servers: start (with progress), readiness, routing, activity, stop, and
/// re-adoption of live servers after a hub restart. State lives in the database so any replica can route.</summary>
public sealed class ServerSessions(HubStore store, ISpawner spawner, Accounts accounts, Profiles profiles, HubOptions options, ILogger<ServerSessions> log,
    TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string User, string Server), SpawnProgress> _progress = new();
    private readonly ConcurrentDictionary<(string User, string Server), CancellationTokenSource> _starting = new();
    private readonly ConcurrentDictionary<(string User, string Server), (Uri? Url, DateTimeOffset Until)> _routes = new();
    private readonly ConcurrentDictionary<(string User, string Server), DateTimeOffset> _activity = new();
    private static readonly HttpClient Probe = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(2) };

    // '.' cannot occur in user names, so a named server's client id is never mistaken for another user's.
    public static string ClientId(string user, string server) => server.Length == 0 ? $"jupyterhub-user-{user}" : $"jupyterhub-user-{user}.{server}";

    public static bool TryParseClientId(string? clientId, out string user, out string server)
    {
        const string prefix = "jupyterhub-user-";
        user = server = "";
        if (clientId is null || !clientId.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = clientId[prefix.Length..];
        var dot = rest.IndexOf('.');
        (user, server) = dot < 0 ? (rest, "") : (rest[..dot], rest[(dot + 1)..]);
        return UserName.IsValid(user, out _) && (server.Length == 0 || ServerName.IsValid(server, out _));
    }

    public static string ProgressUrl(string user, string server) =>
        server.Length == 0 ? $"/hub/api/users/{user}/server/progress" : $"/hub/api/users/{user}/servers/{server}/progress";
    public static string Prefix(string user, string server) => server.Length == 0 ? $"/user/{user}/" : $"/user/{user}/{server}/";

    public SpawnProgress? Progress(string user, string server) => _progress.GetValueOrDefault((user, server));

    public string ApiUrl => options.InternalApiUrl.Length > 0 ? options.InternalApiUrl.TrimEnd('/')
        : new Uri(new Uri(options.Listen.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "[::1]")), "/hub/api").ToString();

    /// <summary>Starts a server with a profile (null: the first the user may use) unless it is already starting or
    /// running. Returns false when it already was. A profile that does not exist or is not open to the user throws
    /// <see cref="ProfileException"/>; a bad server name or too many servers, <see cref="ArgumentException"/>.</summary>
    public async Task<bool> StartAsync(UserRecord user, string server, string? profileName, CancellationToken ct)
    {
        var groups = (await store.ListGroupsOfUsersAsync([user.Name], ct))[user.Name].ToList();
        var profile = profiles.Choose(profileName, user.Name, user.Admin, groups);
        if (server.Length > 0)
        {
            if (!ServerName.IsValid(server, out var why)) throw new ArgumentException(why);
            if (options.MaxNamedServers == 0) throw new ArgumentException("Named servers are turned off here (setting Hub:MaxNamedServers).");
            var live = (await store.ListServersAsync([user.Name], ct)).Count(s => s.Name.Length > 0 && s.Name != server && s.State != ServerState.Stopped);
            if (live >= options.MaxNamedServers)
                throw new ArgumentException($"You already run {live} named server(s), the most allowed (Hub:MaxNamedServers = {options.MaxNamedServers}); stop one first.");
        }
        if (!await store.TransitionServerAsync(user.Name, server, [ServerState.Stopped], ServerState.Starting, ct)) return false;
        ClearNotice(user.Name, server); // what was said about the server's previous run is over
        await store.SetServerProfileAsync(user.Name, server, profile.Name, ct);
        var progress = new SpawnProgress();
        _progress[(user.Name, server)] = progress;
        var cts = new CancellationTokenSource(TimeSpan.FromSeconds(options.SpawnTimeoutSeconds));
        _starting[(user.Name, server)] = cts;
        progress.Add(new ProgressEvent(0, $"Server requested with profile {profile.DisplayName} ({profile.Summary})"));
        _ = Task.Run(() => SpawnAsync(user, server, profile, progress, cts.Token), CancellationToken.None);
        return true;
    }

    private async Task SpawnAsync(UserRecord user, string server, ServerProfile profile, SpawnProgress progress, CancellationToken ct)
    {
        var key = (user.Name, server);
        string? state = null;
        try
        {
            var (token, _) = await accounts.CreateTokenAsync(user,
                [$"{Scopes.UsersActivity}!user={user.Name}", $"{Scopes.AccessServers}!server={user.Name}/{server}", $"{Scopes.ReadUsers}!user={user.Name}"],
                $"server {user.Name}/{server}", null, TokenKind.Server, serverName: server, ct: ct);
            var prefix = Prefix(user.Name, server);
            var scopes = JsonSerializer.Serialize([$"access:servers!server={user.Name}/{server}", $"access:servers!user={user.Name}"], HubJsonContext.Default.StringArray);
            var env = new Dictionary<string, string>
            {
                ["JUPYTERHUB_API_TOKEN"] = token,
                ["JPY_API_TOKEN"] = token,
                ["JUPYTERHUB_CLIENT_ID"] = ClientId(user.Name, server),
                ["JUPYTERHUB_API_URL"] = ApiUrl,
                ["JUPYTERHUB_ACTIVITY_URL"] = $"{ApiUrl}/users/{user.Name}/activity",
                ["JUPYTERHUB_SERVICE_PREFIX"] = prefix,
                ["JUPYTERHUB_USER"] = user.Name,
                ["JUPYTERHUB_SERVER_NAME"] = server,
                ["JUPYTERHUB_OAUTH_CALLBACK_URL"] = prefix + "oauth_callback",
                ["JUPYTERHUB_OAUTH_ACCESS_SCOPES"] = scopes,
                ["JUPYTERHUB_OAUTH_SCOPES"] = scopes,
                ["JUPYTERHUB_BASE_URL"] = "/",
                ["JUPYTERHUB_HOST"] = "",
                ["JUPYTERHUB_DEFAULT_URL"] = options.DefaultUrl,
            };
            var reporter = new Progress<string>(m => progress.Add(new ProgressEvent(Math.Min(60, (progress.Last?.Progress ?? 0) + 15), m)));
            var spawned = await spawner.StartAsync(new SpawnRequest(user.Name, server, prefix, env, profile), reporter, ct);
            state = spawned.State;
            await store.SetSpawnerStateAsync(user.Name, server, state, CancellationToken.None);
            progress.Add(new ProgressEvent(70, "Waiting for the server to answer"));
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (!await spawner.IsAliveAsync(state, ct))
                {
                    var tail = await spawner.ReadLogTailAsync(state, 20, CancellationToken.None);
                    // Killed by its memory limit (the control group's OOM killer), it would die with no word of why.
                    var why = await spawner.OomKillsAsync(state, CancellationToken.None) > 0
                        ? $"The notebook server was killed while starting: it needed more than {MemoryLimit(state)} of memory, the limit of " +
                          $"profile {profile.DisplayName}. Choose a larger profile or ask an administrator."
                        : "The notebook server exited while starting.";
                    throw new SpawnException(why + (tail.Length > 0 ? " Its last lines:\n" + tail : ""));
                }
                if (await AnswersAsync(spawned.Url, ct)) break;
                // A refused connection costs microseconds, so look often: the server is seen within ~10 ms of binding
                // its port (a connection made after the bind waits in the backlog and is answered as its loop starts).
                await Task.Delay(10, ct);
            }
            await store.SetServerRunningAsync(user.Name, server, spawned.Url.ToString(), state, CancellationToken.None);
            _routes[key] = (spawned.Url, DateTimeOffset.MaxValue);
            progress.Add(new ProgressEvent(100, "Server ready", Ready: true, Url: prefix));
            log.LogInformation("Server {User}/{Server} ready at {Url}", user.Name, server, spawned.Url);
        }
        catch (Exception e)
        {
            var message = e switch
            {
                SpawnException s => s.Message,
                OperationCanceledException when _starting.GetValueOrDefault(key)?.IsCancellationRequested == true && !IsStopping(key) =>
                    $"The server did not answer within {options.SpawnTimeoutSeconds:0} s (setting Hub:SpawnTimeoutSeconds)." +
                    (state is null ? "" : AtMemoryLimit(state, profile) + " Its last lines:\n" + await spawner.ReadLogTailAsync(state, 20, CancellationToken.None)),
                OperationCanceledException => "The start was cancelled because the server was stopped.",
                _ => $"The server could not start: {e.Message}",
            };
            log.LogWarning("Server {User}/{Server} failed to start: {Message}", user.Name, server, message);
            if (!IsStopping(key))
            {
                if (state is not null) await spawner.StopAsync(state, CancellationToken.None);
                await CleanUpAsync(user.Name, server);
            }
            progress.Add(new ProgressEvent(100, message, Failed: true)); // after clean-up, so a page reloaded on this event shows "stopped"
        }
        finally
        {
            if (_starting.TryRemove(key, out var cts)) cts.Dispose();
        }
    }

    private readonly ConcurrentDictionary<(string, string), bool> _stopping = new();
    private bool IsStopping((string, string) key) => _stopping.ContainsKey(key);

    private static async Task<bool> AnswersAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri(url, "api"), ct);
            return true; // any HTTP answer means it is listening
        }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return false; }
    }

    /// <summary>Stops a starting or running server. Returns false when there was none.</summary>
    public async Task<bool> StopAsync(string user, string server, CancellationToken ct)
    {
        var key = (user, server);
        if (!await store.TransitionServerAsync(user, server, [ServerState.Starting, ServerState.Running], ServerState.Stopping, ct)) return false;
        _stopping[key] = true;
        try
        {
            if (_starting.TryGetValue(key, out var cts)) await cts.CancelAsync();
            var record = await store.FindServerAsync(user, server, ct);
            if (record?.SpawnerState is { } state) await spawner.StopAsync(state, CancellationToken.None);
            await CleanUpAsync(user, server);
            log.LogInformation("Server {User}/{Server} stopped", user, server);
            return true;
        }
        finally { _stopping.TryRemove(key, out _); }
    }

    private async Task CleanUpAsync(string user, string server)
    {
        await store.RemoveServerTokensAsync(user, server, ClientId(user, server), CancellationToken.None);
        await store.SetServerStoppedAsync(user, server, CancellationToken.None);
        _routes.TryRemove((user, server), out _);
        accounts.ForgetIdentities();
    }

    /// <summary>Where a running server is, or null. Read from the database (briefly cached), so replicas agree.</summary>
    public async Task<Uri?> RouteAsync(string user, string server, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_routes.TryGetValue((user, server), out var r) && r.Until > now) return r.Url;
        var record = await store.FindServerAsync(user, server, ct);
        var url = record is { State: ServerState.Running, Url: { } u } ? new Uri(u) : null;
        _routes[(user, server)] = (url, now.AddSeconds(2));
        return url;
    }

    public void StampActivity(string user, string server) => _activity[(user, server)] = clock.GetUtcNow();

    private readonly ConcurrentDictionary<(string User, string Server), string> _notices = new();
    private readonly ConcurrentDictionary<(string User, string Server), long> _oomKills = new();

    /// <summary>Something the user should know about their server (it was killed, a process hit the memory limit).</summary>
    public string? Notice(string user, string server) => _notices.GetValueOrDefault((user, server));

    private void ClearNotice(string user, string server) => _notices.TryRemove((user, server), out _);

    /// <summary>Looks at every running server: one that died is marked stopped and its owner told why; a memory-limit
    /// kill inside a live server (usually a kernel, which Jupyter restarts) is reported too. Called periodically.</summary>
    public async Task WatchAsync(CancellationToken ct)
    {
        foreach (var s in await store.ListLiveServersAsync(ct))
        {
            if (s.State != ServerState.Running || s.SpawnerState is not { } state) continue;
            var key = (s.UserName, s.Name);
            var kills = await spawner.OomKillsAsync(state, ct);
            var limit = MemoryLimit(state);
            var newKills = kills > _oomKills.GetValueOrDefault(key);
            _oomKills[key] = kills;
            if (!await spawner.IsAliveAsync(state, ct))
            {
                var tail = await spawner.ReadLogTailAsync(state, 10, ct);
                _notices[key] = (kills > 0 ? $"Your server was stopped: it used more than {limit} of memory and was killed." : "Your server stopped unexpectedly.")
                                + (tail.Length > 0 ? " Its last lines:\n" + tail : "");
                log.LogWarning("Server {User}/{Server} died: {Notice}", s.UserName, s.Name, _notices[key]);
                if (await store.TransitionServerAsync(s.UserName, s.Name, [ServerState.Running], ServerState.Stopping, ct))
                {
                    await spawner.StopAsync(state, CancellationToken.None); // collects what is left (process and control groups)
                    await CleanUpAsync(s.UserName, s.Name);
                }
                _oomKills.TryRemove(key, out _);
            }
            else if (newKills)
            {
                _notices[key] = $"A process in your server was killed because the server used more than {limit} of memory " +
                                "(a kernel is restarted by Jupyter; its variables are lost). Use less memory or ask for a larger profile.";
                log.LogWarning("Server {User}/{Server}: memory limit reached, {Kills} process(es) killed", s.UserName, s.Name, kills);
            }
        }
    }

    /// <summary>What to add to a start that timed out when the server was at its memory limit: near it, a process
    /// crawls (its files' pages are reclaimed and read again) instead of being killed, so the limit is the likely cause.</summary>
    private string AtMemoryLimit(string state, ServerProfile profile) =>
        spawner.MemoryUsageBytes(state) is { } used && spawner.MemoryLimitBytes(state) is { } limit && used >= limit * 0.9
            ? $" It was using {used / (1024 * 1024)} MiB of its {limit / (1024 * 1024)} MiB memory limit (profile {profile.DisplayName}): " +
              "it probably needs a larger profile."
            : "";

    private string MemoryLimit(string state) => spawner.MemoryLimitBytes(state) is { } b ? $"{b / (1024 * 1024)} MiB" : "its memory limit";

    /// <summary>Writes activity gathered by the proxy to the database; called periodically.</summary>
    public async Task FlushActivityAsync(CancellationToken ct)
    {
        foreach (var key in _activity.Keys.ToArray())
            if (_activity.TryRemove(key, out var when))
                await store.TouchServerActivityAsync(key.User, key.Server, when, ct);
    }

    /// <summary>After a restart: live servers are routed again, dead ones are marked stopped and their tokens revoked.</summary>
    public async Task AdoptAsync(CancellationToken ct)
    {
        foreach (var s in await store.ListLiveServersAsync(ct))
        {
            var alive = s.SpawnerState is { } st && await spawner.IsAliveAsync(st, ct);
            if (alive && s.State == ServerState.Running && s.Url is not null)
            {
                _routes[(s.UserName, s.Name)] = (new Uri(s.Url), DateTimeOffset.MaxValue);
                log.LogInformation("Re-adopted server {User}/{Server} at {Url}", s.UserName, s.Name, s.Url);
                continue;
            }
            if (alive && s.SpawnerState is { } orphan) await spawner.StopAsync(orphan, ct); // half-started before the restart
            await CleanUpAsync(s.UserName, s.Name);
            log.LogInformation("Server {User}/{Server} was gone after restart; marked stopped", s.UserName, s.Name);
        }
    }

    /// <summary>Stops every server of a user, the default one and the named ones, starting or running (when the user is
    /// deleted, disabled or expires). Returns how many were stopped.</summary>
    public async Task<int> StopAllOfUserAsync(string user, CancellationToken ct)
    {
        var stopped = 0;
        foreach (var s in await store.ListServersAsync([user], ct))
            if (s.State != ServerState.Stopped && await StopAsync(user, s.Name, ct)) stopped++;
        return stopped;
    }

    /// <summary>Stops every server this hub knows to be live (used by tests and an operator's shutdown).</summary>
    public async Task StopAllAsync(CancellationToken ct)
    {
        foreach (var s in await store.ListLiveServersAsync(ct)) await StopAsync(s.UserName, s.Name, ct);
    }
}
