using System.Data.Common;
using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;
using Astrolabe.Tap.Output;
using Astrolabe.Tap.Upload;
using Microsoft.Data.Sqlite;

namespace Astrolabe.Tap.Query;

/// <summary>One ADQL query from parameters to streamed result: checks the request, loads uploads, translates,
/// runs the SQL under a time limit and writes the result. Everything that can be refused is refused (as a
/// <see cref="TapException"/>) before the first byte of the result is sent.</summary>
internal sealed class QueryExecution : IAsyncDisposable
{
    private readonly TapService _tap;
    private readonly CancellationTokenSource _limit;
    private readonly CancellationToken _caller;
    private readonly TimeSpan _timeout;
    private DbConnection? _connection;
    private DbCommand? _command;
    private DbDataReader? _reader;
    private CancellationTokenRegistration _interrupt;
    private IDisposable? _running;
    private IReadOnlyList<TableInfo> _uploads = [];
    private bool _hasRow;
    private bool _drained;

    private QueryExecution(TapService tap, TimeSpan timeout, CancellationToken caller)
    {
        _tap = tap;
        _timeout = timeout;
        _caller = caller;
        _limit = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _limit.CancelAfter(timeout);
    }

    public required string Adql { get; init; }

    public required ResultFormat Format { get; init; }

    public required long MaxRec { get; init; }

    public SqlQuery? Sql { get; private set; }

    /// <summary>Checks the parameters without touching the database.</summary>
    public static (string Adql, ResultFormat Format, long MaxRec) Validate(TapParameters parameters, TapOptions options)
    {
        var request = parameters["REQUEST"];
        if (request is not null && !request.Equals("doQuery", StringComparison.OrdinalIgnoreCase))
        {
            throw new TapException($"REQUEST={request} is not supported; use REQUEST=doQuery (or leave REQUEST out).");
        }
        var lang = parameters.Lang;
        if (lang is not null && !(lang.Equals("ADQL", StringComparison.OrdinalIgnoreCase)
                                  || lang.Equals("ADQL-2.0", StringComparison.OrdinalIgnoreCase)
                                  || lang.Equals("ADQL-2.1", StringComparison.OrdinalIgnoreCase)))
        {
            throw new TapException($"LANG={lang} is not supported; this service speaks LANG=ADQL (2.0 and 2.1).");
        }
        var adql = parameters.Query;
        if (string.IsNullOrWhiteSpace(adql))
        {
            throw new TapException("The QUERY parameter is missing or empty: give an ADQL query, e.g. QUERY=SELECT TOP 10 * FROM TAP_SCHEMA.tables.");
        }
        if (adql.Length > options.MaxQueryLength)
        {
            throw new TapException($"The query is {adql.Length} characters long; this service accepts at most {options.MaxQueryLength}.", 413);
        }
        var format = ResultFormat.Parse(parameters.Format)
                     ?? throw new TapException($"Unknown FORMAT/RESPONSEFORMAT '{parameters.Format}'; use one of: " +
                                               string.Join(", ", ResultFormat.Declared.Select(d => d.Aliases[0])) + ".");
        long maxRec = Math.Min(parameters.MaxRec ?? options.DefaultMaxRec, options.MaxRecLimit);
        return (adql, format, maxRec);
    }

    /// <summary>Runs the query up to its first row. <paramref name="timeout"/> bounds the whole execution,
    /// streaming included; <paramref name="ct"/> (client gone, job aborted) cancels it in the database.</summary>
    public static async Task<QueryExecution> StartAsync(TapService tap, TapParameters parameters, TimeSpan timeout,
        string scratchDirectory, CancellationToken ct)
    {
        var (adql, format, maxRec) = Validate(parameters, tap.Options);
        var execution = new QueryExecution(tap, timeout, ct) { Adql = adql, Format = format, MaxRec = maxRec };
        try
        {
            await execution.OpenAsync(parameters, scratchDirectory);
            return execution;
        }
        catch
        {
            await execution.DisposeAsync();
            throw;
        }
    }

    private async Task OpenAsync(TapParameters parameters, string scratchDirectory)
    {
        var db = _tap.Database;
        var token = _limit.Token;
        try
        {
            _connection = await db.OpenAsync(token);
            _uploads = await UploadLoader.LoadAsync(db, _connection, parameters, _tap.Options, scratchDirectory, token);
            var catalog = await _tap.GetCatalogAsync(token);
            if (_uploads.Count > 0)
            {
                catalog = catalog.WithUploads(_uploads);
            }
            try
            {
                Sql = AdqlTranslator.Translate(Adql, catalog, db.Dialect, MaxRec);
            }
            catch (AdqlException ex)
            {
                throw new TapException($"ADQL error at line {ex.Line}, column {ex.Column}: {ex.Reason}");
            }
            if (MaxRec == 0)
            {
                return;
            }
            _command = CatalogDatabase.Command(_connection, Sql.Sql, Sql.Parameters);
            _command.CommandTimeout = 0;
            _interrupt = db.InterruptOn(_command, token);
            _running = _tap.QueryRunning();
            _reader = await _command.ExecuteReaderAsync(token);
            _hasRow = await _reader.ReadAsync(token);
        }
        catch (Exception ex) when (ex is not TapException && Describe(ex) is { } message)
        {
            throw new TapException(message);
        }
    }

    /// <summary>Streams the result to <paramref name="output"/>.</summary>
    public async Task<ResultSummary> WriteAsync(Stream output, ResultContext context)
    {
        var summary = await ResultWriter.For(Format).WriteAsync(output, Sql!.Columns, _reader, _hasRow, MaxRec, context, Describe, _limit.Token);
        // Every row read: nothing is left for the database to send, so there is nothing to cancel.
        _drained = !summary.Overflow && summary.Failure is null;
        return summary;
    }

    /// <summary>The message for a failure, or null when it must propagate (the caller went away).</summary>
    private string? Describe(Exception ex)
    {
        if (_caller.IsCancellationRequested)
        {
            return null;
        }
        if (_limit.IsCancellationRequested)
        {
            return $"The query exceeded the time limit of {_timeout.TotalSeconds:0} seconds and was cancelled.";
        }
        return ex switch
        {
            SqliteException s => $"The database refused the query: {s.Message.Replace("SQLite Error ", "", StringComparison.Ordinal)}",
            DbException d => $"The database refused the query: {d.Message}",
            InvalidCastException or FormatException or OverflowException => $"A result value could not be converted: {ex.Message}",
            _ => null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _interrupt.DisposeAsync();
        if (_reader is not null)
        {
            // Cancel first: disposing an unfinished PostgreSQL reader would otherwise read the rest of the rows. Only
            // when unfinished: a cancel request is a new connection to the server (a forked backend), which cost
            // every PostgreSQL query several milliseconds when it was sent after the last row too.
            if (!_drained && !_reader.IsClosed && _command is not null && _tap.Database.Backend == Catalog.CatalogBackend.Postgres)
            {
                try
                {
                    _command.Cancel();
                }
                catch (Exception ex) when (ex is DbException or InvalidOperationException)
                {
                    // Already finished.
                }
            }
            try
            {
                await _reader.DisposeAsync();
            }
            catch (DbException)
            {
                // The cancellation above surfaces here; nothing more to do.
            }
        }
        if (_command is not null)
        {
            await _command.DisposeAsync();
        }
        if (_connection is not null)
        {
            if (_uploads.Count > 0)
            {
                await UploadLoader.DropAsync(_tap.Database, _connection, _uploads);
            }
            await _connection.DisposeAsync();
        }
        _running?.Dispose();
        _limit.Dispose();
    }
}
