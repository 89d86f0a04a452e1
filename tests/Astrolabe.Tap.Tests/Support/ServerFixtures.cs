namespace Astrolabe.Tap.Tests.Support;

/// <summary>One service on the embedded SQLite default with the 20,000-row demo catalogue, shared by the test
/// classes of the "sqlite service" collection.</summary>
public sealed class SqliteServiceFixture : IAsyncLifetime
{
    internal TapTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TapTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition("sqlite service")]
public sealed class SqliteServiceCollection : ICollectionFixture<SqliteServiceFixture>;

/// <summary>The same service on a throwaway database of the real PostgreSQL.</summary>
public sealed class PostgresServiceFixture : IAsyncLifetime
{
    private TestPostgres? _postgres;

    internal TapTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.CreateAsync();
        Server = await TapTestServer.StartAsync(_postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
