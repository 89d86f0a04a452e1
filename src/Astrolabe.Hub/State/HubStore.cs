using System.Data.Common;
using Dapper;

namespace Astrolabe.Hub.State;

/// <summary>Reads and writes hub state. Every method opens its own short connection, so replicas can share one database.</summary>
public sealed class HubStore(HubDatabase database, TimeProvider clock)
{
    public HubDatabase Database => database;

    /// <summary>Text matched literally inside a LIKE pattern written with `ESCAPE '!'`.</summary>
    private static string LikeLiteral(string text) => text.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_");

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();
    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    private static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    // ---- users ----

    private const string UserColumns = "id, name, admin, password_hash, disabled, created, last_activity";

    private sealed record UserRow(long id, string name, long admin, string? password_hash, long disabled, long created, long? last_activity)
    {
        public UserRecord ToRecord() => new(id, name, admin != 0, password_hash, disabled != 0, Time(created), Time(last_activity));
    }

    public async Task<UserRecord?> FindUserAsync(string name, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users WHERE name = @name", new { name }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<UserRecord?> FindUserAsync(long id, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users WHERE id = @id", new { id }, cancellationToken: ct));
        return row?.ToRecord();
    }

    /// <summary>Creates a user; returns null when the name is taken.</summary>
    public async Task<UserRecord?> AddUserAsync(string name, bool admin, string? passwordHash, CancellationToken ct = default)
    {
        UserName.Check(name);
        await using var db = await database.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"INSERT INTO users (name, admin, password_hash, created) VALUES (@name, @admin, @passwordHash, @now) " +
            $"ON CONFLICT (name) DO NOTHING RETURNING {UserColumns}",
            new { name, admin = admin ? 1 : 0, passwordHash, now = Now }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<bool> RemoveUserAsync(string name, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync(new CommandDefinition("DELETE FROM users WHERE name = @name", new { name }, cancellationToken: ct)) > 0;
    }

    public async Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var changed = await db.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @passwordHash WHERE name = @name", new { name, passwordHash }, cancellationToken: ct)) > 0;
        if (changed) // a new password ends every browser session of the account
            await db.ExecuteAsync(new CommandDefinition(
                "DELETE FROM login_sessions WHERE user_id = (SELECT id FROM users WHERE name = @name)", new { name }, cancellationToken: ct));
        return changed;
    }

    public async Task<bool> SetAdminAsync(string name, bool admin, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET admin = @admin WHERE name = @name", new { name, admin = admin ? 1 : 0 }, cancellationToken: ct)) > 0;
    }

    public async Task<long> CountUsersAsync(CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: ct));
    }

    /// <summary>A page of users ordered by name, optionally only those with a server in a given state (`ready`,
    /// `active` meaning starting/running/stopping, `inactive` meaning none), with the total for pagination.</summary>
    public async Task<(IReadOnlyList<UserRecord> Users, long Total)> ListUsersAsync(string? state, int offset, int limit, CancellationToken ct = default,
        string? nameFilter = null, UserSort sort = UserSort.Name, bool descending = false)
    {
        var conditions = new List<string>();
        conditions.Add(state switch
        {
            "ready" => "EXISTS (SELECT 1 FROM servers s WHERE s.user_id = users.id AND s.state = 'Running')",
            "active" => "EXISTS (SELECT 1 FROM servers s WHERE s.user_id = users.id AND s.state <> 'Stopped')",
            "inactive" => "NOT EXISTS (SELECT 1 FROM servers s WHERE s.user_id = users.id AND s.state <> 'Stopped')",
            _ => "",
        });
        var p = new DynamicParameters(new { limit, offset });
        if (!string.IsNullOrEmpty(nameFilter))
        {
            // A name prefix, as JupyterHub's name_filter; '%' and '_' in it are literal.
            conditions.Add("name LIKE @pattern ESCAPE '!'");
            p.Add("pattern", LikeLiteral(nameFilter) + "%");
        }
        var where = conditions.Any(c => c.Length > 0) ? "WHERE " + string.Join(" AND ", conditions.Where(c => c.Length > 0)) : "";
        await using var db = await database.OpenAsync(ct);
        var total = await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM users {where}", p, cancellationToken: ct));
        var rows = await db.QueryAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users {where} ORDER BY {OrderBy(sort, descending)} LIMIT @limit OFFSET @offset", p, cancellationToken: ct));
        return (rows.Select(r => r.ToRecord()).ToList(), total);
    }

    /// <summary>ORDER BY for a user sort: never-active users last either way, ties broken by name (so pages are stable).</summary>
    private static string OrderBy(UserSort sort, bool descending)
    {
        var column = sort switch { UserSort.LastActivity => "last_activity", UserSort.Created => "created", _ => "name" };
        var nulls = sort == UserSort.LastActivity ? "CASE WHEN last_activity IS NULL THEN 1 ELSE 0 END, " : "";
        return $"{nulls}{column} {(descending ? "DESC" : "ASC")}" + (sort == UserSort.Name ? "" : ", name");
    }

    /// <summary>The columns an administrator may sort the user list by.</summary>
    public enum UserSort { Name, LastActivity, Created }

    /// <summary>A page of users whose name contains `search`, sorted in the database (for the admin page at 10,000+ users).</summary>
    public async Task<(IReadOnlyList<UserRecord> Users, long Total)> SearchUsersAsync(string? search, UserSort sort, bool descending, int offset, int limit,
        CancellationToken ct = default)
    {
        var where = "";
        var p = new DynamicParameters(new { limit, offset });
        if (!string.IsNullOrEmpty(search))
        {
            // LIKE with our own escape character, so '%' and '_' in the search are literal.
            where = "WHERE name LIKE @pattern ESCAPE '!'";
            p.Add("pattern", "%" + LikeLiteral(search) + "%");
        }
        await using var db = await database.OpenAsync(ct);
        var total = await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM users {where}", p, cancellationToken: ct));
        var rows = await db.QueryAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM users {where} ORDER BY {OrderBy(sort, descending)} LIMIT @limit OFFSET @offset", p, cancellationToken: ct));
        return (rows.Select(r => r.ToRecord()).ToList(), total);
    }

    /// <summary>Sets (or clears) the date an account expires.</summary>
    public async Task SetExpiryAsync(string name, DateTimeOffset? expires, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition("UPDATE users SET expires = @e WHERE name = @name",
            new { name, e = expires?.ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    /// <summary>Enabled accounts whose expiry has passed.</summary>
    public async Task<IReadOnlyList<string>> ListExpiredAsync(CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return (await db.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM users WHERE expires IS NOT NULL AND expires <= @now AND disabled = 0 ORDER BY name", new { now = Now }, cancellationToken: ct))).ToList();
    }

    /// <summary>Accounts with an expiry whose names start with `prefix`, with their expiry and state, for export.</summary>
    public async Task<IReadOnlyList<(string Name, DateTimeOffset Expires, bool Disabled)>> ListTemporaryAsync(string prefix, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var rows = await db.QueryAsync<(string, long, long)>(new CommandDefinition(
            "SELECT name, expires, disabled FROM users WHERE expires IS NOT NULL AND name LIKE @pattern ESCAPE '!' ORDER BY name",
            new { pattern = LikeLiteral(prefix) + "%" }, cancellationToken: ct));
        return rows.Select(r => (r.Item1, Time(r.Item2), r.Item3 != 0)).ToList();
    }

    public async Task<bool> SetDisabledAsync(string name, bool disabled, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var changed = await db.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET disabled = @d WHERE name = @name", new { name, d = disabled ? 1 : 0 }, cancellationToken: ct)) > 0;
        if (changed && disabled)
            await db.ExecuteAsync(new CommandDefinition(
                "DELETE FROM login_sessions WHERE user_id = (SELECT id FROM users WHERE name = @name)", new { name }, cancellationToken: ct));
        return changed;
    }

    public async Task TouchUserActivityAsync(string name, DateTimeOffset when, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET last_activity = @t WHERE name = @name AND (last_activity IS NULL OR last_activity < @t)",
            new { name, t = when.ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    // ---- browser sessions ----

    public async Task AddLoginSessionAsync(string sessionHash, long userId, DateTimeOffset expires, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "INSERT INTO login_sessions (id, user_id, created, expires) VALUES (@sessionHash, @userId, @now, @expires)",
            new { sessionHash, userId, now = Now, expires = expires.ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    /// <summary>The live, unexpired session's user, or null.</summary>
    public async Task<UserRecord?> FindLoginSessionUserAsync(string sessionHash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            "SELECT u.id, u.name, u.admin, u.password_hash, u.disabled, u.created, u.last_activity FROM login_sessions s " +
            "JOIN users u ON u.id = s.user_id WHERE s.id = @sessionHash AND s.expires > @now AND u.disabled = 0",
            new { sessionHash, now = Now }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task RemoveLoginSessionAsync(string sessionHash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition("DELETE FROM login_sessions WHERE id = @sessionHash", new { sessionHash }, cancellationToken: ct));
        await db.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tokens WHERE kind = 'OAuth' AND session_id = @sessionHash", new { sessionHash }, cancellationToken: ct));
    }

    // ---- tokens ----

    private sealed record TokenRow(long id, long user_id, string name, long admin, string prefix, string kind, string scopes, string note,
        string? server_name, string? client_id, string? session_id, long created, long? expires, long? last_used)
    {
        public TokenRecord ToRecord() => new(id, user_id, name, admin != 0, prefix, Enum.Parse<TokenKind>(kind),
            scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), note, server_name, client_id, session_id,
            Time(created), Time(expires), Time(last_used));
    }

    private const string TokenSelect =
        "SELECT t.id, t.user_id, u.name, u.admin, t.prefix, t.kind, t.scopes, t.note, t.server_name, t.client_id, t.session_id, " +
        "t.created, t.expires, t.last_used FROM tokens t JOIN users u ON u.id = t.user_id ";

    public async Task<long> AddTokenAsync(long userId, string hash, string prefix, TokenKind kind, IEnumerable<string> scopes, string note,
        DateTimeOffset? expires, string? serverName = null, string? clientId = null, string? sessionId = null, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO tokens (user_id, hash, prefix, kind, scopes, note, server_name, client_id, session_id, created, expires) " +
            "VALUES (@userId, @hash, @prefix, @kind, @scopes, @note, @serverName, @clientId, @sessionId, @now, @expires) RETURNING id",
            new { userId, hash, prefix, kind = kind.ToString(), scopes = string.Join(' ', scopes), note, serverName, clientId, sessionId,
                  now = Now, expires = expires?.ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    /// <summary>The token with this hash whose owner is enabled, expired or not (the caller decides).</summary>
    public async Task<TokenRecord?> FindTokenAsync(string hash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            TokenSelect + "WHERE t.hash = @hash AND u.disabled = 0", new { hash }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string userName, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var rows = await db.QueryAsync<TokenRow>(new CommandDefinition(
            TokenSelect + "WHERE u.name = @userName ORDER BY t.created DESC, t.id DESC", new { userName }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<bool> RemoveTokenAsync(string userName, long id, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tokens WHERE id = @id AND user_id = (SELECT id FROM users WHERE name = @userName)",
            new { id, userName }, cancellationToken: ct)) > 0;
    }

    /// <summary>Revokes a server's own token and every token OAuth issued for it.</summary>
    public async Task RemoveServerTokensAsync(string userName, string serverName, string clientId, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tokens WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND " +
            "((kind = 'Server' AND server_name = @serverName) OR (kind = 'OAuth' AND client_id = @clientId))",
            new { userName, serverName, clientId }, cancellationToken: ct));
        await db.ExecuteAsync(new CommandDefinition("DELETE FROM oauth_codes WHERE client_id = @clientId", new { clientId }, cancellationToken: ct));
    }

    public async Task TouchTokenAsync(long id, DateTimeOffset when, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition("UPDATE tokens SET last_used = @t WHERE id = @id",
            new { id, t = when.ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    public async Task<int> RemoveExpiredAsync(CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var n = await db.ExecuteAsync(new CommandDefinition("DELETE FROM tokens WHERE expires IS NOT NULL AND expires <= @now", new { now = Now }, cancellationToken: ct));
        n += await db.ExecuteAsync(new CommandDefinition("DELETE FROM login_sessions WHERE expires <= @now", new { now = Now }, cancellationToken: ct));
        n += await db.ExecuteAsync(new CommandDefinition("DELETE FROM oauth_codes WHERE expires <= @now", new { now = Now }, cancellationToken: ct));
        return n;
    }

    // ---- OAuth codes ----

    public async Task AddOAuthCodeAsync(string codeHash, string clientId, long userId, string redirectUri, string? sessionId, DateTimeOffset expires, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "INSERT INTO oauth_codes (code_hash, client_id, user_id, redirect_uri, session_id, expires) VALUES (@codeHash, @clientId, @userId, @redirectUri, @sessionId, @e)",
            new { codeHash, clientId, userId, redirectUri, sessionId, e = expires.ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    /// <summary>Takes a code once: it is deleted whether or not it matches, so it can never be replayed.</summary>
    public async Task<(long UserId, string ClientId, string RedirectUri, string? SessionId)?> TakeOAuthCodeAsync(string codeHash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<(long, string, string, string?)?>(new CommandDefinition(
            "DELETE FROM oauth_codes WHERE code_hash = @codeHash AND expires > @now RETURNING user_id, client_id, redirect_uri, session_id",
            new { codeHash, now = Now }, cancellationToken: ct));
        return row;
    }

    // ---- servers ----

    private sealed record ServerRow(string uname, string name, string state, string? url, string? spawner_state, long? started, long? last_activity,
        string? profile)
    {
        public ServerRecord ToRecord() => new(uname, name, Enum.Parse<ServerState>(state), url, spawner_state, Time(started), Time(last_activity), profile);
    }

    private const string ServerSelect =
        "SELECT u.name AS uname, s.name, s.state, s.url, s.spawner_state, s.started, s.last_activity, s.profile FROM servers s JOIN users u ON u.id = s.user_id ";

    public async Task<ServerRecord?> FindServerAsync(string userName, string serverName, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var row = await db.QuerySingleOrDefaultAsync<ServerRow>(new CommandDefinition(
            ServerSelect + "WHERE u.name = @userName AND s.name = @serverName", new { userName, serverName }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<ServerRecord>> ListServersAsync(IEnumerable<string> userNames, CancellationToken ct = default)
    {
        var names = userNames.ToArray();
        if (names.Length == 0) return [];
        await using var db = await database.OpenAsync(ct);
        // Parameters one per name: portable across SQLite and PostgreSQL (no array binding).
        var p = new DynamicParameters();
        var list = string.Join(", ", names.Select((n, i) => { p.Add("n" + i, n); return "@n" + i; }));
        var rows = await db.QueryAsync<ServerRow>(new CommandDefinition(ServerSelect + $"WHERE u.name IN ({list})", p, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<ServerRecord>> ListLiveServersAsync(CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var rows = await db.QueryAsync<ServerRow>(new CommandDefinition(ServerSelect + "WHERE s.state <> 'Stopped'", cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>Moves a server from one of `from` states to `to`; false when another caller got there first.</summary>
    public async Task<bool> TransitionServerAsync(string userName, string serverName, ServerState[] from, ServerState to, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var userId = await db.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM users WHERE name = @userName", new { userName }, cancellationToken: ct))
            ?? throw new InvalidOperationException($"no user '{userName}'");
        await db.ExecuteAsync(new CommandDefinition(
            "INSERT INTO servers (user_id, name, state) VALUES (@userId, @serverName, 'Stopped') ON CONFLICT (user_id, name) DO NOTHING",
            new { userId, serverName }, cancellationToken: ct));
        var fromList = string.Join(", ", from.Select(s => $"'{s}'"));
        var started = to == ServerState.Starting ? Now : (long?)null;
        return await db.ExecuteAsync(new CommandDefinition(
            $"UPDATE servers SET state = @to, started = COALESCE(@started, started) WHERE user_id = @userId AND name = @serverName AND state IN ({fromList})",
            new { to = to.ToString(), userId, serverName, started }, cancellationToken: ct)) > 0;
    }

    /// <summary>Records which profile a starting server was given (shown to admins, kept through restarts).</summary>
    public async Task SetServerProfileAsync(string userName, string serverName, string? profile, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "UPDATE servers SET profile = @profile WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName",
            new { userName, serverName, profile }, cancellationToken: ct));
    }

    public async Task SetServerRunningAsync(string userName, string serverName, string url, string spawnerState, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "UPDATE servers SET state = 'Running', url = @url, spawner_state = @spawnerState, last_activity = @now " +
            "WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName",
            new { userName, serverName, url, spawnerState, now = Now }, cancellationToken: ct));
    }

    public async Task SetSpawnerStateAsync(string userName, string serverName, string spawnerState, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "UPDATE servers SET spawner_state = @spawnerState WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName",
            new { userName, serverName, spawnerState }, cancellationToken: ct));
    }

    public async Task SetServerStoppedAsync(string userName, string serverName, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(new CommandDefinition(
            "UPDATE servers SET state = 'Stopped', url = NULL, spawner_state = NULL, started = NULL, profile = NULL " +
            "WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName",
            new { userName, serverName }, cancellationToken: ct));
    }

    public async Task TouchServerActivityAsync(string userName, string serverName, DateTimeOffset when, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var t = when.ToUnixTimeMilliseconds();
        await db.ExecuteAsync(new CommandDefinition(
            "UPDATE servers SET last_activity = @t WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName " +
            "AND (last_activity IS NULL OR last_activity < @t)", new { userName, serverName, t }, cancellationToken: ct));
        await db.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET last_activity = @t WHERE name = @userName AND (last_activity IS NULL OR last_activity < @t)",
            new { userName, t }, cancellationToken: ct));
    }
    // ---- groups ----

    /// <summary>Creates a group; false when the name is taken.</summary>
    public async Task<bool> AddGroupAsync(string name, CancellationToken ct = default)
    {
        GroupName.Check(name);
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync(new CommandDefinition(
            "INSERT INTO groups (name, created) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING", new { name, now = Now }, cancellationToken: ct)) > 0;
    }

    /// <summary>Deletes a group and its memberships (not its members); false when there was none.</summary>
    public async Task<bool> RemoveGroupAsync(string name, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync(new CommandDefinition("DELETE FROM groups WHERE name = @name", new { name }, cancellationToken: ct)) > 0;
    }

    public async Task<GroupRecord?> FindGroupAsync(string name, CancellationToken ct = default) =>
        (await ListGroupsAsync(0, 1, ct, name)).Groups.FirstOrDefault();

    /// <summary>A page of groups ordered by name, each with its members, and the total.</summary>
    public async Task<(IReadOnlyList<GroupRecord> Groups, long Total)> ListGroupsAsync(int offset, int limit, CancellationToken ct = default, string? onlyName = null)
    {
        await using var db = await database.OpenAsync(ct);
        var where = onlyName is null ? "" : "WHERE name = @onlyName";
        var p = new { offset, limit, onlyName };
        var total = await db.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM groups {where}", p, cancellationToken: ct));
        var groups = (await db.QueryAsync<(long Id, string Name, long Created)>(new CommandDefinition(
            $"SELECT id, name, created FROM groups {where} ORDER BY name LIMIT @limit OFFSET @offset", p, cancellationToken: ct))).ToList();
        if (groups.Count == 0) return ([], total);
        var ids = new DynamicParameters();
        var list = string.Join(", ", groups.Select((g, i) => { ids.Add("g" + i, g.Id); return "@g" + i; }));
        var members = (await db.QueryAsync<(long GroupId, string User)>(new CommandDefinition(
            $"SELECT m.group_id, u.name FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id IN ({list}) ORDER BY u.name",
            ids, cancellationToken: ct))).ToLookup(m => m.GroupId, m => m.User);
        return (groups.Select(g => new GroupRecord(g.Name, Time(g.Created), members[g.Id].ToList())).ToList(), total);
    }

    /// <summary>What a membership change found: whether the group exists, and which of the named users do not.</summary>
    public sealed record MembershipChange(bool GroupFound, IReadOnlyList<string> UnknownUsers)
    {
        public bool Done => GroupFound && UnknownUsers.Count == 0;
    }

    /// <summary>Adds users to a group. Nothing changes unless the group and every user exist.</summary>
    public Task<MembershipChange> AddGroupMembersAsync(string group, IReadOnlyCollection<string> users, CancellationToken ct = default) =>
        ChangeMembersAsync(group, users, add: true, ct);

    /// <summary>Removes users from a group; names that are not members (or not users) are ignored but reported.</summary>
    public Task<MembershipChange> RemoveGroupMembersAsync(string group, IReadOnlyCollection<string> users, CancellationToken ct = default) =>
        ChangeMembersAsync(group, users, add: false, ct);

    private async Task<MembershipChange> ChangeMembersAsync(string group, IReadOnlyCollection<string> users, bool add, CancellationToken ct)
    {
        await using var db = await database.OpenAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        var groupId = await db.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM groups WHERE name = @group", new { group }, tx, cancellationToken: ct));
        if (groupId is null) return new MembershipChange(false, []);
        var ids = new List<long>();
        var missing = new List<string>();
        foreach (var user in users.Distinct())
        {
            var id = await db.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM users WHERE name = @user", new { user }, tx, cancellationToken: ct));
            if (id is { } v) ids.Add(v); else missing.Add(user);
        }
        if (missing.Count > 0 && add) return new MembershipChange(true, missing);
        foreach (var id in ids)
            await db.ExecuteAsync(new CommandDefinition(add
                ? "INSERT INTO group_members (group_id, user_id) VALUES (@groupId, @id) ON CONFLICT DO NOTHING"
                : "DELETE FROM group_members WHERE group_id = @groupId AND user_id = @id", new { groupId, id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new MembershipChange(true, missing);
    }

    /// <summary>The groups each of these users belongs to.</summary>
    public async Task<ILookup<string, string>> ListGroupsOfUsersAsync(IEnumerable<string> userNames, CancellationToken ct = default)
    {
        var names = userNames.Distinct().ToArray();
        if (names.Length == 0) return Array.Empty<(string, string)>().ToLookup(x => x.Item1, x => x.Item2);
        await using var db = await database.OpenAsync(ct);
        var p = new DynamicParameters();
        var list = string.Join(", ", names.Select((n, i) => { p.Add("n" + i, n); return "@n" + i; }));
        var rows = await db.QueryAsync<(string User, string Group)>(new CommandDefinition(
            $"SELECT u.name, g.name FROM group_members m JOIN users u ON u.id = m.user_id JOIN groups g ON g.id = m.group_id " +
            $"WHERE u.name IN ({list}) ORDER BY g.name", p, cancellationToken: ct));
        return rows.ToLookup(r => r.User, r => r.Group);
    }
}
