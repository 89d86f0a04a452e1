using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;
using Astrolabe.Tap.Demo;
using Astrolabe.Tap.Ingest;
using Astrolabe.Tap.Uws;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Astrolabe.Tap;

/// <summary>The TAP service's state: its options, the catalogue database and the published tables (re-read
/// from TAP_SCHEMA every few seconds, so a table ingested by `astrolabe catalog ingest` appears without a
/// restart).</summary>
internal sealed class TapService
{
    private static readonly TimeSpan CatalogLifetime = TimeSpan.FromSeconds(5);
    private readonly ILogger<TapService> _logger;
    private readonly SemaphoreSlim _catalogLock = new(1, 1);
    private TapCatalog? _catalog;
    private DateTime _catalogLoaded;

    public TapService(IOptions<TapOptions> options, ILogger<TapService> logger)
    {
        Options = options.Value;
        _logger = logger;
        Database = CatalogDatabase.Create(Options.EffectiveConnectionString);
    }

    public TapOptions Options { get; }

    public CatalogDatabase Database { get; }

    /// <summary>Null while the service is available; otherwise why it is not (for /availability).</summary>
    public string? Unavailable { get; private set; } = "starting";

    public DateTime StartedAt { get; } = DateTime.UtcNow;

    private int _runningQueries;

    /// <summary>Queries executing in the database right now, sync and async (shown by /availability).</summary>
    public int RunningQueries => Volatile.Read(ref _runningQueries);

    /// <summary>Counts a query from the moment it is sent to the database until its execution is disposed.</summary>
    public IDisposable QueryRunning()
    {
        Interlocked.Increment(ref _runningQueries);
        return new Running(this);
    }

    private sealed class Running(TapService tap) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref tap._runningQueries);
            }
        }
    }

    /// <summary>Creates TAP_SCHEMA and the job table, the SQL functions on PostgreSQL, and the demo catalogue
    /// when asked for and absent.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(Options.ResultsDirectory);
            await using (var connection = await Database.OpenAsync(ct))
            {
                if (Database.Backend == CatalogBackend.Postgres)
                {
                    await CatalogDatabase.ExecuteAsync(connection, PostgresGeometry.CreateFunctionsSql, ct);
                }
                await TapSchema.EnsureCreatedAsync(Database, connection, ct);
                await JobStore.EnsureCreatedAsync(Database, connection, ct);
            }
            if (Options.Demo)
            {
                await EnsureDemoAsync(ct);
            }
            InvalidateCatalog();
            Unavailable = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Unavailable = $"the catalogue database could not be prepared: {ex.Message}";
            _logger.LogError(ex, "TAP service start-up failed");
            throw;
        }
    }

    private async Task EnsureDemoAsync(CancellationToken ct)
    {
        var catalog = await GetCatalogAsync(ct);
        var (schema, table) = CatalogIngest.SplitName(DemoCatalog.Table);
        if (catalog.FindTable(schema, table) is not null)
        {
            return;
        }
        _logger.LogInformation("Generating the demo catalogue {Table} ({Rows} rows); this happens once", DemoCatalog.Table, Options.DemoRows);
        var started = DateTime.UtcNow;
        using var source = new DemoCatalog(Options.DemoRows);
        var result = await CatalogIngest.LoadAsync(Database, DemoCatalog.Table, source, DemoCatalog.Metadata, null, ct);
        _logger.LogInformation("Demo catalogue {Table}: {Rows} rows in {Seconds:F1} s", result.Table, result.Rows,
            (DateTime.UtcNow - started).TotalSeconds);
    }

    /// <summary>The published tables, re-read from TAP_SCHEMA when older than a few seconds.</summary>
    public async Task<TapCatalog> GetCatalogAsync(CancellationToken ct)
    {
        var current = _catalog;
        if (current is not null && DateTime.UtcNow - _catalogLoaded < CatalogLifetime)
        {
            return current;
        }
        await _catalogLock.WaitAsync(ct);
        try
        {
            if (_catalog is not null && DateTime.UtcNow - _catalogLoaded < CatalogLifetime)
            {
                return _catalog;
            }
            await using var connection = await Database.OpenAsync(ct);
            var tables = await TapSchema.LoadAsync(Database, connection, ct);
            _catalog = new TapCatalog(tables);
            _catalogLoaded = DateTime.UtcNow;
            return _catalog;
        }
        finally
        {
            _catalogLock.Release();
        }
    }

    public void InvalidateCatalog() => _catalog = null;
}

/// <summary>Prepares the service when the host starts, so a broken setting or database fails start-up.</summary>
internal sealed class TapStartup(TapService tap) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => tap.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
