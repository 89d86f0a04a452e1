using Astrolabe.Hub.State;
using Npgsql;

namespace Astrolabe.Hub.Tests;

/// <summary>Hub state behaves the same on SQLite (the default) and on a real PostgreSQL (started by scripts/test.sh,
/// which exports ASTROLABE_TEST_POSTGRES).</summary>
public sealed class HubStoreTests
{
    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    private static async Task<(HubStore Store, Func<Task> Drop)> OpenAsync(string backend)
    {
        if (backend == "sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), $"hubstore-{Guid.NewGuid():N}.db");
            var db = new HubDatabase($"Data Source={file}");
            await db.MigrateAsync();
            return (new HubStore(db, TimeProvider.System), () => { foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(file) + "*")) File.Delete(f); return Task.CompletedTask; });
        }
        var (cs, drop) = await CreatePostgresDatabaseAsync();
        var database = new HubDatabase(cs);
        await database.MigrateAsync();
        await database.MigrateAsync(); // idempotent
        return (new HubStore(database, TimeProvider.System), drop);
    }

    /// <summary>A fresh database on the test PostgreSQL: its connection string, and how to drop it.</summary>
    private static async Task<(string ConnectionString, Func<Task> Drop)> CreatePostgresDatabaseAsync()
    {
        var admin = Environment.GetEnvironmentVariable("ASTROLABE_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(admin), "ASTROLABE_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");
        var name = "hubstore_" + Guid.NewGuid().ToString("N")[..12];
        await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c); await cmd.ExecuteNonQueryAsync(); }
        return (new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString, async () =>
        {
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c);
            await cmd.ExecuteNonQueryAsync();
        });
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Users_are_added_once_listed_in_name_order_and_removed(string backend)
    {
        var (store, drop) = await OpenAsync(backend);
        try
        {
            Assert.NotNull(await store.AddUserAsync("zed", false, null));
            Assert.NotNull(await store.AddUserAsync("amy", true, "hash"));
            Assert.Null(await store.AddUserAsync("amy", false, null)); // taken
            var (page, total) = await store.ListUsersAsync(null, 0, 10);
            Assert.Equal(2, total);
            Assert.Equal(new[] { "amy", "zed" }, page.Select(u => u.Name));
            Assert.True(page[0].Admin);
            Assert.Equal("hash", page[0].PasswordHash);
            Assert.True(await store.RemoveUserAsync("zed"));
            Assert.False(await store.RemoveUserAsync("zed"));
            Assert.Equal(1, await store.CountUsersAsync());
        }
        finally { await drop(); }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Tokens_are_found_by_hash_listed_per_user_and_removed_with_their_user(string backend)
    {
        var (store, drop) = await OpenAsync(backend);
        try
        {
            var amy = (await store.AddUserAsync("amy", false, null))!;
            var expires = DateTimeOffset.UtcNow.AddHours(1);
            var id = await store.AddTokenAsync(amy.Id, "h1", "abcd", TokenKind.Api, ["read:users!user=amy", "tokens!user=amy"], "laptop", expires);
            var found = await store.FindTokenAsync("h1");
            Assert.NotNull(found);
            Assert.Equal(id, found.Id);
            Assert.Equal("amy", found.UserName);
            Assert.Equal(new[] { "read:users!user=amy", "tokens!user=amy" }, found.Scopes);
            Assert.Equal(expires.ToUnixTimeMilliseconds(), found.Expires!.Value.ToUnixTimeMilliseconds());
            Assert.Null(await store.FindTokenAsync("h2"));
            Assert.False(await store.RemoveTokenAsync("someone-else", id));
            Assert.True(await store.RemoveTokenAsync("amy", id));
            await store.AddTokenAsync(amy.Id, "h3", "efgh", TokenKind.Api, ["inherit"], "", null);
            await store.RemoveUserAsync("amy");
            Assert.Null(await store.FindTokenAsync("h3")); // cascade
        }
        finally { await drop(); }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Server_state_moves_only_along_allowed_transitions_and_filters_the_user_list(string backend)
    {
        var (store, drop) = await OpenAsync(backend);
        try
        {
            await store.AddUserAsync("amy", false, null);
            await store.AddUserAsync("bob", false, null);
            Assert.True(await store.TransitionServerAsync("amy", "", [ServerState.Stopped], ServerState.Starting));
            Assert.False(await store.TransitionServerAsync("amy", "", [ServerState.Stopped], ServerState.Starting)); // a second start loses
            Assert.Equal(1, (await store.ListUsersAsync("active", 0, 10)).Total);
            Assert.Equal(0, (await store.ListUsersAsync("ready", 0, 10)).Total);
            await store.SetServerRunningAsync("amy", "", "http://127.0.0.1:5000/user/amy/", "{\"pid\":1}");
            var ready = await store.ListUsersAsync("ready", 0, 10);
            Assert.Equal("amy", Assert.Single(ready.Users).Name);
            Assert.Equal("bob", Assert.Single((await store.ListUsersAsync("inactive", 0, 10)).Users).Name);
            var server = (await store.FindServerAsync("amy", ""))!;
            Assert.Equal(ServerState.Running, server.State);
            Assert.Equal("{\"pid\":1}", server.SpawnerState);
            Assert.Single(await store.ListLiveServersAsync());
            await store.SetServerStoppedAsync("amy", "");
            Assert.Empty(await store.ListLiveServersAsync());
        }
        finally { await drop(); }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Oauth_codes_are_taken_once_and_login_sessions_expire(string backend)
    {
        var (store, drop) = await OpenAsync(backend);
        try
        {
            var amy = (await store.AddUserAsync("amy", false, null))!;
            await store.AddOAuthCodeAsync("c1", "jupyterhub-user-amy", amy.Id, "/user/amy/oauth_callback", "s1", DateTimeOffset.UtcNow.AddMinutes(5));
            var grant = await store.TakeOAuthCodeAsync("c1");
            Assert.Equal(("jupyterhub-user-amy", "/user/amy/oauth_callback", "s1"), (grant!.Value.ClientId, grant.Value.RedirectUri, grant.Value.SessionId));
            Assert.Null(await store.TakeOAuthCodeAsync("c1")); // never twice
            await store.AddOAuthCodeAsync("c2", "jupyterhub-user-amy", amy.Id, "/x", null, DateTimeOffset.UtcNow.AddSeconds(-1));
            Assert.Null(await store.TakeOAuthCodeAsync("c2")); // expired

            await store.AddLoginSessionAsync("live", amy.Id, DateTimeOffset.UtcNow.AddHours(1));
            await store.AddLoginSessionAsync("old", amy.Id, DateTimeOffset.UtcNow.AddSeconds(-1));
            Assert.Equal("amy", (await store.FindLoginSessionUserAsync("live"))!.Name);
            Assert.Null(await store.FindLoginSessionUserAsync("old"));
            await store.SetPasswordAsync("amy", "new-hash"); // a new password ends sessions
            Assert.Null(await store.FindLoginSessionUserAsync("live"));
        }
        finally { await drop(); }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Expired_accounts_are_listed_until_disabled(string backend)
    {
        var (store, drop) = await OpenAsync(backend);
        try
        {
            await store.AddUserAsync("tut1", false, null);
            await store.AddUserAsync("tut2", false, null);
            await store.AddUserAsync("staff", false, null);
            await store.SetExpiryAsync("tut1", DateTimeOffset.UtcNow.AddSeconds(-1));
            await store.SetExpiryAsync("tut2", DateTimeOffset.UtcNow.AddDays(1));
            Assert.Equal(new[] { "tut1" }, await store.ListExpiredAsync());
            Assert.Equal(new[] { "tut1", "tut2" }, (await store.ListTemporaryAsync("tut")).Select(t => t.Name));
            await store.SetDisabledAsync("tut1", true);
            Assert.Empty(await store.ListExpiredAsync());
            Assert.True((await store.ListTemporaryAsync("tut")).Single(t => t.Name == "tut1").Disabled);
        }
        finally { await drop(); }
    }

    [Fact]
    public async Task The_hub_runs_on_postgresql_selected_by_its_connection_string()
    {
        var admin = Environment.GetEnvironmentVariable("ASTROLABE_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(admin), "ASTROLABE_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");
        var name = "hubpg_" + Guid.NewGuid().ToString("N")[..12];
        await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c); await cmd.ExecuteNonQueryAsync(); }
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:Database"] = cs });
            Assert.True(hub.Accounts.Store.Database.IsPostgres);
            Assert.False(File.Exists(Path.Combine(hub.DataRoot, "hub.db")));
            var password = await hub.AddUserAsync("pg-sam");
            using var browser = hub.NewClient();
            var login = await browser.LoginAsync("pg-sam", password);
            Assert.EndsWith("/hub/home", login.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Equal("pg-sam", (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(browser.Http, "/hub/api/user"))!["name"]!.GetValue<string>());
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Groups_hold_members_change_all_or_nothing_and_go_without_their_members(string backend)
    {
        var (store, drop) = await OpenAsync(backend);
        try
        {
            await store.AddUserAsync("ann", false, null);
            await store.AddUserAsync("bob", false, null);
            Assert.True(await store.AddGroupAsync("alma-team"));
            Assert.False(await store.AddGroupAsync("alma-team"));
            Assert.True(await store.AddGroupAsync("class.2026"));
            Assert.Throws<ArgumentException>(() => store.AddGroupAsync("no spaces").GetAwaiter().GetResult());

            var partly = await store.AddGroupMembersAsync("alma-team", ["ann", "zed"]);
            Assert.Equal((true, "zed"), (partly.GroupFound, Assert.Single(partly.UnknownUsers)));
            Assert.Empty((await store.FindGroupAsync("alma-team"))!.Users); // all or nothing
            Assert.True((await store.AddGroupMembersAsync("alma-team", ["ann", "bob", "ann"])).Done);
            Assert.True((await store.AddGroupMembersAsync("alma-team", ["ann"])).Done); // again: no change, no error
            Assert.True((await store.AddGroupMembersAsync("class.2026", ["ann"])).Done);
            Assert.False((await store.AddGroupMembersAsync("nope", ["ann"])).GroupFound);

            var (groups, total) = await store.ListGroupsAsync(0, 10);
            Assert.Equal(2, total);
            Assert.Equal(new[] { "alma-team", "class.2026" }, groups.Select(g => g.Name));
            Assert.Equal(new[] { "ann", "bob" }, groups[0].Users);
            var of = await store.ListGroupsOfUsersAsync(["ann", "bob"]);
            Assert.Equal(new[] { "alma-team", "class.2026" }, of["ann"]);
            Assert.Equal(new[] { "alma-team" }, of["bob"]);

            Assert.True((await store.RemoveGroupMembersAsync("alma-team", ["bob"])).Done);
            Assert.Equal(new[] { "ann" }, (await store.FindGroupAsync("alma-team"))!.Users);
            Assert.True(await store.RemoveUserAsync("ann")); // memberships go with the user
            Assert.Empty((await store.FindGroupAsync("class.2026"))!.Users);
            Assert.True(await store.RemoveGroupAsync("alma-team"));
            Assert.False(await store.RemoveGroupAsync("alma-team"));
            Assert.NotNull(await store.FindUserAsync("bob"));
        }
        finally { await drop(); }
    }

    [Fact]
    public async Task A_replica_starting_beside_a_running_one_takes_no_table_locks_when_the_schema_is_current()
    {
        // The failure this guards against: a second replica's ALTER TABLE waited for (and deadlocked with) the first
        // replica's queries. Here a reader holds a lock on servers; migrating an up-to-date database must not wait for it.
        var (cs, drop) = await CreatePostgresDatabaseAsync();
        try
        {
            await new HubDatabase(cs).MigrateAsync();
            await using var reader = new NpgsqlConnection(cs);
            await reader.OpenAsync();
            await using var tx = await reader.BeginTransactionAsync();
            await using (var lockCmd = new NpgsqlCommand("LOCK TABLE servers IN ACCESS SHARE MODE", reader, tx)) await lockCmd.ExecuteNonQueryAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20)); // a lock wait would run into this
            await new HubDatabase(cs).MigrateAsync(bound.Token);
            await tx.RollbackAsync();
        }
        finally { await drop(); }
    }
}
