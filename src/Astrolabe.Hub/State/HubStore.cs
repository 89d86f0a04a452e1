using System.Data.Common;

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

    /// <summary>A row of <see cref="UserColumns"/>, in that order.</summary>
    private static UserRecord ReadUser(DbDataReader row) => new(row.GetInt64(0), row.GetString(1), row.GetInt64(2) != 0, row.NullableString(3),
        row.GetInt64(4) != 0, Time(row.GetInt64(5)), Time(row.NullableInt64(6)));

    public async Task<UserRecord?> FindUserAsync(string name, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QuerySingleOrDefaultAsync($"SELECT {UserColumns} FROM users WHERE name = @name", ReadUser, ct, ("name", name));
    }

    public async Task<UserRecord?> FindUserAsync(long id, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QuerySingleOrDefaultAsync($"SELECT {UserColumns} FROM users WHERE id = @id", ReadUser, ct, ("id", id));
    }

    /// <summary>Creates a user; returns null when the name is taken.</summary>
    public async Task<UserRecord?> AddUserAsync(string name, bool admin, string? passwordHash, CancellationToken ct = default)
    {
        UserName.Check(name);
        await using var db = await database.OpenAsync(ct);
        return await db.QuerySingleOrDefaultAsync($"INSERT INTO users (name, admin, password_hash, created) VALUES (@name, @admin, @passwordHash, @now) " +
            $"ON CONFLICT (name) DO NOTHING RETURNING {UserColumns}",
            ReadUser, ct, ("name", name), ("admin", admin ? 1 : 0), ("passwordHash", passwordHash), ("now", Now));
    }

    public async Task<bool> RemoveUserAsync(string name, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync("DELETE FROM users WHERE name = @name", ct, ("name", name)) > 0;
    }

    public async Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var changed = await db.ExecuteAsync("UPDATE users SET password_hash = @passwordHash WHERE name = @name",
            ct, ("name", name), ("passwordHash", passwordHash)) > 0;
        if (changed) // a new password ends every browser session of the account
            await db.ExecuteAsync("DELETE FROM login_sessions WHERE user_id = (SELECT id FROM users WHERE name = @name)", ct, ("name", name));
        return changed;
    }

    public async Task<bool> SetAdminAsync(string name, bool admin, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync("UPDATE users SET admin = @admin WHERE name = @name", ct, ("name", name), ("admin", admin ? 1 : 0)) > 0;
    }

    public async Task<long> CountUsersAsync(CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.Int64Async("SELECT COUNT(*) FROM users", ct) ?? 0;
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
        var filter = new List<(string, object?)>();
        if (!string.IsNullOrEmpty(nameFilter))
        {
            // A name prefix, as JupyterHub's name_filter; '%' and '_' in it are literal.
            conditions.Add("name LIKE @pattern ESCAPE '!'");
            filter.Add(("pattern", LikeLiteral(nameFilter) + "%"));
        }
        var where = conditions.Any(c => c.Length > 0) ? "WHERE " + string.Join(" AND ", conditions.Where(c => c.Length > 0)) : "";
        await using var db = await database.OpenAsync(ct);
        var total = await db.Int64Async($"SELECT COUNT(*) FROM users {where}", ct, [.. filter]) ?? 0;
        var rows = await db.QueryAsync($"SELECT {UserColumns} FROM users {where} ORDER BY {OrderBy(sort, descending)} LIMIT @limit OFFSET @offset",
            ReadUser, ct, [.. filter, ("limit", limit), ("offset", offset)]);
        return (rows, total);
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
        var filter = new List<(string, object?)>();
        if (!string.IsNullOrEmpty(search))
        {
            // LIKE with our own escape character, so '%' and '_' in the search are literal.
            where = "WHERE name LIKE @pattern ESCAPE '!'";
            filter.Add(("pattern", "%" + LikeLiteral(search) + "%"));
        }
        await using var db = await database.OpenAsync(ct);
        var total = await db.Int64Async($"SELECT COUNT(*) FROM users {where}", ct, [.. filter]) ?? 0;
        var rows = await db.QueryAsync($"SELECT {UserColumns} FROM users {where} ORDER BY {OrderBy(sort, descending)} LIMIT @limit OFFSET @offset",
            ReadUser, ct, [.. filter, ("limit", limit), ("offset", offset)]);
        return (rows, total);
    }

    /// <summary>Sets (or clears) the date an account expires.</summary>
    public async Task SetExpiryAsync(string name, DateTimeOffset? expires, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("UPDATE users SET expires = @e WHERE name = @name", ct, ("name", name), ("e", expires?.ToUnixTimeMilliseconds()));
    }

    /// <summary>Enabled accounts whose expiry has passed.</summary>
    public async Task<IReadOnlyList<string>> ListExpiredAsync(CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QueryAsync("SELECT name FROM users WHERE expires IS NOT NULL AND expires <= @now AND disabled = 0 ORDER BY name",
            row => row.GetString(0), ct, ("now", Now));
    }

    /// <summary>Accounts with an expiry whose names start with `prefix`, with their expiry and state, for export.</summary>
    public async Task<IReadOnlyList<(string Name, DateTimeOffset Expires, bool Disabled)>> ListTemporaryAsync(string prefix, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QueryAsync("SELECT name, expires, disabled FROM users WHERE expires IS NOT NULL AND name LIKE @pattern ESCAPE '!' ORDER BY name",
            row => (row.GetString(0), Time(row.GetInt64(1)), row.GetInt64(2) != 0), ct, ("pattern", LikeLiteral(prefix) + "%"));
    }

    public async Task<bool> SetDisabledAsync(string name, bool disabled, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var changed = await db.ExecuteAsync("UPDATE users SET disabled = @d WHERE name = @name", ct, ("name", name), ("d", disabled ? 1 : 0)) > 0;
        if (changed && disabled)
            await db.ExecuteAsync("DELETE FROM login_sessions WHERE user_id = (SELECT id FROM users WHERE name = @name)", ct, ("name", name));
        return changed;
    }

    public async Task TouchUserActivityAsync(string name, DateTimeOffset when, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("UPDATE users SET last_activity = @t WHERE name = @name AND (last_activity IS NULL OR last_activity < @t)",
            ct, ("name", name), ("t", when.ToUnixTimeMilliseconds()));
    }

    // ---- browser sessions ----

    public async Task AddLoginSessionAsync(string sessionHash, long userId, DateTimeOffset expires, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("INSERT INTO login_sessions (id, user_id, created, expires) VALUES (@sessionHash, @userId, @now, @expires)",
            ct, ("sessionHash", sessionHash), ("userId", userId), ("now", Now), ("expires", expires.ToUnixTimeMilliseconds()));
    }

    /// <summary>The live, unexpired session's user, or null.</summary>
    public async Task<UserRecord?> FindLoginSessionUserAsync(string sessionHash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QuerySingleOrDefaultAsync("SELECT u.id, u.name, u.admin, u.password_hash, u.disabled, u.created, u.last_activity FROM login_sessions s " +
            "JOIN users u ON u.id = s.user_id WHERE s.id = @sessionHash AND s.expires > @now AND u.disabled = 0",
            ReadUser, ct, ("sessionHash", sessionHash), ("now", Now));
    }

    public async Task RemoveLoginSessionAsync(string sessionHash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("DELETE FROM login_sessions WHERE id = @sessionHash", ct, ("sessionHash", sessionHash));
        await db.ExecuteAsync("DELETE FROM tokens WHERE kind = 'OAuth' AND session_id = @sessionHash", ct, ("sessionHash", sessionHash));
    }

    // ---- tokens ----

    /// <summary>A row of <see cref="TokenSelect"/>, in its order.</summary>
    private static TokenRecord ReadToken(DbDataReader row) => new(row.GetInt64(0), row.GetInt64(1), row.GetString(2), row.GetInt64(3) != 0,
        row.GetString(4), Enum.Parse<TokenKind>(row.GetString(5)), row.GetString(6).Split(' ', StringSplitOptions.RemoveEmptyEntries), row.GetString(7),
        row.NullableString(8), row.NullableString(9), row.NullableString(10), Time(row.GetInt64(11)), Time(row.NullableInt64(12)), Time(row.NullableInt64(13)));

    private const string TokenSelect =
        "SELECT t.id, t.user_id, u.name, u.admin, t.prefix, t.kind, t.scopes, t.note, t.server_name, t.client_id, t.session_id, " +
        "t.created, t.expires, t.last_used FROM tokens t JOIN users u ON u.id = t.user_id ";

    public async Task<long> AddTokenAsync(long userId, string hash, string prefix, TokenKind kind, IEnumerable<string> scopes, string note,
        DateTimeOffset? expires, string? serverName = null, string? clientId = null, string? sessionId = null, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.Int64Async(
            "INSERT INTO tokens (user_id, hash, prefix, kind, scopes, note, server_name, client_id, session_id, created, expires) " +
            "VALUES (@userId, @hash, @prefix, @kind, @scopes, @note, @serverName, @clientId, @sessionId, @now, @expires) RETURNING id", ct,
            ("userId", userId), ("hash", hash), ("prefix", prefix), ("kind", kind.ToString()), ("scopes", string.Join(' ', scopes)), ("note", note),
            ("serverName", serverName), ("clientId", clientId), ("sessionId", sessionId), ("now", Now), ("expires", expires?.ToUnixTimeMilliseconds()))
            ?? throw new InvalidOperationException("INSERT ... RETURNING id gave no id");
    }

    /// <summary>The token with this hash whose owner is enabled, expired or not (the caller decides).</summary>
    public async Task<TokenRecord?> FindTokenAsync(string hash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QuerySingleOrDefaultAsync(TokenSelect + "WHERE t.hash = @hash AND u.disabled = 0", ReadToken, ct, ("hash", hash));
    }

    public async Task<IReadOnlyList<TokenRecord>> ListTokensAsync(string userName, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QueryAsync(TokenSelect + "WHERE u.name = @userName ORDER BY t.created DESC, t.id DESC", ReadToken, ct, ("userName", userName));
    }

    public async Task<bool> RemoveTokenAsync(string userName, long id, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync("DELETE FROM tokens WHERE id = @id AND user_id = (SELECT id FROM users WHERE name = @userName)",
            ct, ("id", id), ("userName", userName)) > 0;
    }

    /// <summary>Revokes a server's own token and every token OAuth issued for it.</summary>
    public async Task RemoveServerTokensAsync(string userName, string serverName, string clientId, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("DELETE FROM tokens WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND " +
            "((kind = 'Server' AND server_name = @serverName) OR (kind = 'OAuth' AND client_id = @clientId))",
            ct, ("userName", userName), ("serverName", serverName), ("clientId", clientId));
        await db.ExecuteAsync("DELETE FROM oauth_codes WHERE client_id = @clientId", ct, ("clientId", clientId));
    }

    public async Task TouchTokenAsync(long id, DateTimeOffset when, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("UPDATE tokens SET last_used = @t WHERE id = @id", ct, ("id", id), ("t", when.ToUnixTimeMilliseconds()));
    }

    public async Task<int> RemoveExpiredAsync(CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var n = await db.ExecuteAsync("DELETE FROM tokens WHERE expires IS NOT NULL AND expires <= @now", ct, ("now", Now));
        n += await db.ExecuteAsync("DELETE FROM login_sessions WHERE expires <= @now", ct, ("now", Now));
        n += await db.ExecuteAsync("DELETE FROM oauth_codes WHERE expires <= @now", ct, ("now", Now));
        return n;
    }

    // ---- OAuth codes ----

    public async Task AddOAuthCodeAsync(string codeHash, string clientId, long userId, string redirectUri, string? sessionId, DateTimeOffset expires, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(
            "INSERT INTO oauth_codes (code_hash, client_id, user_id, redirect_uri, session_id, expires) " +
            "VALUES (@codeHash, @clientId, @userId, @redirectUri, @sessionId, @e)", ct,
            ("codeHash", codeHash), ("clientId", clientId), ("userId", userId), ("redirectUri", redirectUri), ("sessionId", sessionId),
            ("e", expires.ToUnixTimeMilliseconds()));
    }

    /// <summary>Takes a code once: it is deleted whether or not it matches, so it can never be replayed.</summary>
    public async Task<(long UserId, string ClientId, string RedirectUri, string? SessionId)?> TakeOAuthCodeAsync(string codeHash, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var rows = await db.QueryAsync(
            "DELETE FROM oauth_codes WHERE code_hash = @codeHash AND expires > @now RETURNING user_id, client_id, redirect_uri, session_id",
            row => (row.GetInt64(0), row.GetString(1), row.GetString(2), row.NullableString(3)), ct, ("codeHash", codeHash), ("now", Now));
        return rows.Count == 0 ? null : rows[0];
    }

    // ---- servers ----

    /// <summary>A row of <see cref="ServerSelect"/>, in its order.</summary>
    private static ServerRecord ReadServer(DbDataReader row) => new(row.GetString(0), row.GetString(1), Enum.Parse<ServerState>(row.GetString(2)),
        row.NullableString(3), row.NullableString(4), Time(row.NullableInt64(5)), Time(row.NullableInt64(6)), row.NullableString(7));

    private const string ServerSelect =
        "SELECT u.name AS uname, s.name, s.state, s.url, s.spawner_state, s.started, s.last_activity, s.profile FROM servers s JOIN users u ON u.id = s.user_id ";

    public async Task<ServerRecord?> FindServerAsync(string userName, string serverName, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QuerySingleOrDefaultAsync(ServerSelect + "WHERE u.name = @userName AND s.name = @serverName",
            ReadServer, ct, ("userName", userName), ("serverName", serverName));
    }

    public async Task<IReadOnlyList<ServerRecord>> ListServersAsync(IEnumerable<string> userNames, CancellationToken ct = default)
    {
        var names = userNames.ToArray();
        if (names.Length == 0) return [];
        await using var db = await database.OpenAsync(ct);
        // Parameters one per name: portable across SQLite and PostgreSQL (no array binding).
        var p = new List<(string, object?)>();
        var list = string.Join(", ", names.Select((n, i) => { p.Add(("n" + i, n)); return "@n" + i; }));
        return await db.QueryAsync(ServerSelect + $"WHERE u.name IN ({list})", ReadServer, ct, [.. p]);
    }

    public async Task<IReadOnlyList<ServerRecord>> ListLiveServersAsync(CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.QueryAsync(ServerSelect + "WHERE s.state <> 'Stopped'", ReadServer, ct);
    }

    /// <summary>Moves a server from one of `from` states to `to`; false when another caller got there first.</summary>
    public async Task<bool> TransitionServerAsync(string userName, string serverName, ServerState[] from, ServerState to, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var userId = await db.Int64Async("SELECT id FROM users WHERE name = @userName", ct, ("userName", userName))
            ?? throw new InvalidOperationException($"no user '{userName}'");
        await db.ExecuteAsync("INSERT INTO servers (user_id, name, state) VALUES (@userId, @serverName, 'Stopped') ON CONFLICT (user_id, name) DO NOTHING",
            ct, ("userId", userId), ("serverName", serverName));
        var fromList = string.Join(", ", from.Select(s => $"'{s}'"));
        var started = to == ServerState.Starting ? Now : (long?)null;
        return await db.ExecuteAsync(
            $"UPDATE servers SET state = @to, started = COALESCE(@started, started) WHERE user_id = @userId AND name = @serverName AND state IN ({fromList})",
            ct, ("to", to.ToString()), ("userId", userId), ("serverName", serverName), ("started", started)) > 0;
    }

    /// <summary>Records which profile a starting server was given (shown to admins, kept through restarts).</summary>
    public async Task SetServerProfileAsync(string userName, string serverName, string? profile, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("UPDATE servers SET profile = @profile WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName",
            ct, ("userName", userName), ("serverName", serverName), ("profile", profile));
    }

    public async Task SetServerRunningAsync(string userName, string serverName, string url, string spawnerState, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("UPDATE servers SET state = 'Running', url = @url, spawner_state = @spawnerState, last_activity = @now " +
            "WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName",
            ct, ("userName", userName), ("serverName", serverName), ("url", url), ("spawnerState", spawnerState), ("now", Now));
    }

    public async Task SetSpawnerStateAsync(string userName, string serverName, string spawnerState, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync(
            "UPDATE servers SET spawner_state = @spawnerState WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName",
            ct, ("userName", userName), ("serverName", serverName), ("spawnerState", spawnerState));
    }

    public async Task SetServerStoppedAsync(string userName, string serverName, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        await db.ExecuteAsync("UPDATE servers SET state = 'Stopped', url = NULL, spawner_state = NULL, started = NULL, profile = NULL " +
            "WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName", ct, ("userName", userName), ("serverName", serverName));
    }

    public async Task TouchServerActivityAsync(string userName, string serverName, DateTimeOffset when, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        var t = when.ToUnixTimeMilliseconds();
        await db.ExecuteAsync("UPDATE servers SET last_activity = @t WHERE user_id = (SELECT id FROM users WHERE name = @userName) AND name = @serverName " +
            "AND (last_activity IS NULL OR last_activity < @t)", ct, ("userName", userName), ("serverName", serverName), ("t", t));
        await db.ExecuteAsync("UPDATE users SET last_activity = @t WHERE name = @userName AND (last_activity IS NULL OR last_activity < @t)",
            ct, ("userName", userName), ("t", t));
    }
    // ---- groups ----

    /// <summary>Creates a group; false when the name is taken.</summary>
    public async Task<bool> AddGroupAsync(string name, CancellationToken ct = default)
    {
        GroupName.Check(name);
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync("INSERT INTO groups (name, created) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING",
            ct, ("name", name), ("now", Now)) > 0;
    }

    /// <summary>Deletes a group and its memberships (not its members); false when there was none.</summary>
    public async Task<bool> RemoveGroupAsync(string name, CancellationToken ct = default)
    {
        await using var db = await database.OpenAsync(ct);
        return await db.ExecuteAsync("DELETE FROM groups WHERE name = @name", ct, ("name", name)) > 0;
    }

    public async Task<GroupRecord?> FindGroupAsync(string name, CancellationToken ct = default) =>
        (await ListGroupsAsync(0, 1, ct, name)).Groups.FirstOrDefault();

    /// <summary>A page of groups ordered by name, each with its members, and the total.</summary>
    public async Task<(IReadOnlyList<GroupRecord> Groups, long Total)> ListGroupsAsync(int offset, int limit, CancellationToken ct = default, string? onlyName = null)
    {
        await using var db = await database.OpenAsync(ct);
        var where = onlyName is null ? "" : "WHERE name = @onlyName";
        (string, object?)[] filter = onlyName is null ? [] : [("onlyName", onlyName)];
        var total = await db.Int64Async($"SELECT COUNT(*) FROM groups {where}", ct, filter) ?? 0;
        var groups = await db.QueryAsync($"SELECT id, name, created FROM groups {where} ORDER BY name LIMIT @limit OFFSET @offset",
            row => (Id: row.GetInt64(0), Name: row.GetString(1), Created: row.GetInt64(2)), ct, [.. filter, ("limit", limit), ("offset", offset)]);
        if (groups.Count == 0) return ([], total);
        var ids = new List<(string, object?)>();
        var list = string.Join(", ", groups.Select((g, i) => { ids.Add(("g" + i, g.Id)); return "@g" + i; }));
        var members = (await db.QueryAsync(
            $"SELECT m.group_id, u.name FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id IN ({list}) ORDER BY u.name",
            row => (GroupId: row.GetInt64(0), User: row.GetString(1)), ct, [.. ids])).ToLookup(m => m.GroupId, m => m.User);
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
        var groupId = await tx.Int64Async("SELECT id FROM groups WHERE name = @group", ct, ("group", group));
        if (groupId is null) return new MembershipChange(false, []);
        var ids = new List<long>();
        var missing = new List<string>();
        foreach (var user in users.Distinct())
        {
            var id = await tx.Int64Async("SELECT id FROM users WHERE name = @user", ct, ("user", user));
            if (id is { } v) ids.Add(v); else missing.Add(user);
        }
        if (missing.Count > 0 && add) return new MembershipChange(true, missing);
        foreach (var id in ids)
            await tx.ExecuteAsync(add
                ? "INSERT INTO group_members (group_id, user_id) VALUES (@groupId, @id) ON CONFLICT DO NOTHING"
                : "DELETE FROM group_members WHERE group_id = @groupId AND user_id = @id", ct, ("groupId", groupId), ("id", id));
        await tx.CommitAsync(ct);
        return new MembershipChange(true, missing);
    }

    /// <summary>The groups each of these users belongs to.</summary>
    public async Task<ILookup<string, string>> ListGroupsOfUsersAsync(IEnumerable<string> userNames, CancellationToken ct = default)
    {
        var names = userNames.Distinct().ToArray();
        if (names.Length == 0) return Array.Empty<(string, string)>().ToLookup(x => x.Item1, x => x.Item2);
        await using var db = await database.OpenAsync(ct);
        var p = new List<(string, object?)>();
        var list = string.Join(", ", names.Select((n, i) => { p.Add(("n" + i, n)); return "@n" + i; }));
        var rows = await db.QueryAsync(
            $"SELECT u.name, g.name FROM group_members m JOIN users u ON u.id = m.user_id JOIN groups g ON g.id = m.group_id WHERE u.name IN ({list}) ORDER BY g.name",
            row => (User: row.GetString(0), Group: row.GetString(1)), ct, [.. p]);
        return rows.ToLookup(r => r.User, r => r.Group);
    }
}
