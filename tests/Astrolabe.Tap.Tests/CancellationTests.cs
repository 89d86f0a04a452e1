using Astrolabe.Tap.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Astrolabe.Tap.Tests;

/// <summary>A client that goes away stops its query in the database: on PostgreSQL observed in its own
/// pg_stat_activity (a query left running would stay listed there as active), on SQLite in the service's count of
/// running queries (which ends only when the database call has returned). The services' sync time limit is set far
/// beyond the test's wait (10 minutes), so only the disconnect can stop the query in time: if the disconnect were
/// missed, the query would still be running when the test looks.</summary>
public sealed class CancellationTests(CancellationTests.LongLimitFixture fixture) : IClassFixture<CancellationTests.LongLimitFixture>
{
    /// <summary>A PostgreSQL-backed and an SQLite-backed service whose sync queries may run for 10 minutes.</summary>
    public sealed class LongLimitFixture : IAsyncLifetime
    {
        private static readonly Dictionary<string, string?> LongLimit = new() { ["Tap:SyncTimeoutSeconds"] = "600" };
        private TestPostgres? _postgres;

        internal TapTestServer Server { get; private set; } = null!;

        internal TapTestServer Sqlite { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _postgres = await TestPostgres.CreateAsync();
            Server = await TapTestServer.StartAsync(_postgres.ConnectionString, settings: LongLimit);
            Sqlite = await TapTestServer.StartAsync(settings: LongLimit);
        }

        public async Task DisposeAsync()
        {
            if (Sqlite is not null)
            {
                await Sqlite.DisposeAsync();
            }
            if (Server is not null)
            {
                await Server.DisposeAsync();
            }
            if (_postgres is not null)
            {
                // Drops the database WITH (FORCE): a query the test left running ends here at the latest.
                await _postgres.DisposeAsync();
            }
        }
    }

    private const string Marker = "0.000123456789";

    private async Task<int> ActiveQueriesWithMarkerAsync()
    {
        // Same cluster and role as the service's throwaway database, so its sessions are visible.
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ASTROLABE_TEST_POSTGRES"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' " +
            "AND query LIKE '%' || @marker || '%' AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("marker", Marker);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int Running(TapTestServer server) => server.Services.GetRequiredService<TapService>().RunningQueries;

    /// <summary>Sends a sync query that would run for hours; cancelling the token disconnects the client.</summary>
    private static Task<HttpResponseMessage> StartEndlessQuery(HttpClient client, TapTestServer server, CancellationToken ct)
    {
        var query = $"SELECT COUNT(*) FROM demo.objects AS a, demo.objects AS b, demo.objects AS c WHERE a.mag_r < b.mag_g + {Marker} AND c.ra > 0";
        return client.PostAsync($"{server.BaseUrl}/sync",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = query }), ct);
    }

    [Fact]
    public async Task A_query_whose_client_went_away_is_cancelled_in_postgresql()
    {
        using var client = fixture.Server.Client();
        using var cts = new CancellationTokenSource();
        var request = StartEndlessQuery(client, fixture.Server, cts.Token);

        // Wait until PostgreSQL is running it (up to 30 s on a loaded machine). Client backends only: a parallel
        // plan's workers show the same query text.
        for (int i = 0; i < 600 && await ActiveQueriesWithMarkerAsync() == 0; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(1, await ActiveQueriesWithMarkerAsync());

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        // Bounded at 30 s, a twentieth of the time limit: on a loaded 2-core machine the disconnect has been seen to take
        // over 2 s to reach the endpoint.
        int active = 1;
        for (int i = 0; i < 600 && active > 0; i++)
        {
            await Task.Delay(50);
            active = await ActiveQueriesWithMarkerAsync();
        }
        // If this fails, the service's own count tells the two causes apart: 1, it never saw the disconnect (or is still
        // waiting on Npgsql); 0, it gave up on the query and PostgreSQL kept running it (an unanswered cancel request).
        Assert.True(active == 0, $"the query is still active in PostgreSQL 30 s after its client went away; the service counts " +
                                 $"{Running(fixture.Server)} running quer{(Running(fixture.Server) == 1 ? "y" : "ies")}");
        await WaitForNoRunningQueriesAsync(fixture.Server);
    }

    [Fact]
    public async Task The_service_sessions_check_that_their_client_is_still_there_while_a_query_runs()
    {
        // The second line of defence: if a cancel request goes unanswered, Npgsql drops the connection, and a session
        // that checks its socket ends the abandoned query within a second instead of running it to its end.
        await using var connection = await fixture.Server.Services.GetRequiredService<TapService>().Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW client_connection_check_interval";
        Assert.Equal("1s", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_query_whose_client_went_away_is_interrupted_in_sqlite()
    {
        var server = fixture.Sqlite;
        using var client = server.Client();
        using var cts = new CancellationTokenSource();
        var request = StartEndlessQuery(client, server, cts.Token);

        for (int i = 0; i < 600 && Running(server) == 0; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(1, Running(server));
        // Operators see it too.
        using (var probe = server.Client())
        {
            Assert.Contains("1 running", await probe.GetStringAsync($"{server.BaseUrl}/availability"));
        }

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await WaitForNoRunningQueriesAsync(server);
        using (var probe = server.Client())
        {
            Assert.Contains("0 running", await probe.GetStringAsync($"{server.BaseUrl}/availability"));
        }
    }

    private static async Task WaitForNoRunningQueriesAsync(TapTestServer server)
    {
        // Bounded at 30 s, as above.
        for (int i = 0; i < 600 && Running(server) > 0; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(0, Running(server));
    }
}
