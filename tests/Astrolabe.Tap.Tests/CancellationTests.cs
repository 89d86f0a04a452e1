using Astrolabe.Tap.Tests.Support;
using Npgsql;

namespace Astrolabe.Tap.Tests;

/// <summary>A client that goes away stops its query in the database, observed in PostgreSQL's own
/// pg_stat_activity (a query left running would stay listed there as active).</summary>
public sealed class CancellationTests(PostgresServiceFixture fixture) : IClassFixture<PostgresServiceFixture>
{
    private const string Marker = "0.000123456789";

    private async Task<int> ActiveQueriesWithMarkerAsync()
    {
        // Same cluster and role as the service's throwaway database, so its sessions are visible.
        await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("ASTROLABE_TEST_POSTGRES"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%' || @marker || '%' AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("marker", Marker);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Query_is_cancelled_in_postgresql_when_the_client_disconnects()
    {
        using var client = fixture.Server.Client();
        using var cts = new CancellationTokenSource();
        var query = $"SELECT COUNT(*) FROM demo.objects AS a, demo.objects AS b, demo.objects AS c WHERE a.mag_r < b.mag_g + {Marker} AND c.ra > 0";
        var request = client.PostAsync($"{fixture.Server.BaseUrl}/sync",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = query }), cts.Token);

        // Wait until PostgreSQL is running it.
        for (int i = 0; i < 200 && await ActiveQueriesWithMarkerAsync() == 0; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(1, await ActiveQueriesWithMarkerAsync());

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        // Bounded at 30 s: on a loaded 2-core machine the cancel request itself has been seen to take over 10 s.
        int active = 1;
        for (int i = 0; i < 600 && active > 0; i++)
        {
            await Task.Delay(50);
            active = await ActiveQueriesWithMarkerAsync();
        }
        Assert.Equal(0, active);
    }
}
