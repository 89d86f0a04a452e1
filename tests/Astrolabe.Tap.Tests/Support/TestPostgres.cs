using Npgsql;

namespace Astrolabe.Tap.Tests.Support;

/// <summary>A throwaway database on the real PostgreSQL that scripts/test.sh starts (ASTROLABE_TEST_POSTGRES:
/// a role with CREATEDB). Dropped on dispose.</summary>
internal sealed class TestPostgres : IAsyncDisposable
{
    private readonly string _admin;

    private TestPostgres(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestPostgres> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("ASTROLABE_TEST_POSTGRES");
        if (string.IsNullOrEmpty(admin))
        {
            throw new InvalidOperationException(
                "ASTROLABE_TEST_POSTGRES is not set: run the tests through scripts/test.sh, which starts PostgreSQL " +
                "(or export the connection string printed by scripts/postgres.sh).");
        }
        var name = "tap_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestPostgres(admin, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
