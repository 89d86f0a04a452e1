using System.Data.Common;
using Astrolabe.Tap.Adql;
using Npgsql;
using NpgsqlTypes;

namespace Astrolabe.Tap.Catalog;

/// <summary>The production backend: PostgreSQL through a pooled Npgsql data source. A table published as
/// schema.table is the SQL table "schema"."table".</summary>
internal sealed class PostgresCatalogDatabase : CatalogDatabase, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _creating = new(1, 1);
    private volatile NpgsqlDataSource? _dataSource;

    public PostgresCatalogDatabase(string connectionString)
    {
        _connectionString = connectionString;
    }

    public override CatalogBackend Backend => CatalogBackend.Postgres;

    public override SqlDialect Dialect => SqlDialect.Postgres;

    public override async Task<DbConnection> OpenAsync(CancellationToken ct) =>
        await (_dataSource ?? await CreateDataSourceAsync(ct)).OpenConnectionAsync(ct);

    /// <summary>The pool, made on first use. From PostgreSQL 14 on, every session checks its client's socket each second
    /// while a query runs (client_connection_check_interval, a start-up option, so it survives the pool's reset): when
    /// a cancel request goes unanswered, Npgsql drops the connection, and without the check the server would run the
    /// abandoned query to its end.</summary>
    private async Task<NpgsqlDataSource> CreateDataSourceAsync(CancellationToken ct)
    {
        await _creating.WaitAsync(ct);
        try
        {
            if (_dataSource is { } made)
            {
                return made;
            }
            var settings = new NpgsqlConnectionStringBuilder(_connectionString);
            if (!(settings.Options ?? "").Contains("client_connection_check_interval", StringComparison.Ordinal))
            {
                settings.Options = ((settings.Options ?? "") + " -c client_connection_check_interval=1000").Trim();
                var checking = NpgsqlDataSource.Create(settings.ConnectionString);
                try
                {
                    await using (await checking.OpenConnectionAsync(ct))
                    {
                        return _dataSource = checking;
                    }
                }
                catch (PostgresException)
                {
                    // The server refused the session: PostgreSQL before 14 does not know the setting, and a pooler in
                    // between (PgBouncer) may refuse start-up options. Go without the check. (A server that cannot be
                    // reached throws on, and the next open tries again.)
                    await checking.DisposeAsync();
                }
                catch
                {
                    await checking.DisposeAsync();
                    throw;
                }
            }
            return _dataSource = NpgsqlDataSource.Create(_connectionString);
        }
        finally
        {
            _creating.Release();
        }
    }

    public override string TableSqlName(string schema, string table) =>
        SqlDialect.QuoteIdentifier(schema) + "." + SqlDialect.QuoteIdentifier(table);

    public override string UploadSqlName(string name) => "pg_temp." + SqlDialect.QuoteIdentifier("upload_" + name);

    public override string SqlType(AdqlType type) => type switch
    {
        AdqlType.Boolean => "boolean",
        AdqlType.SmallInt => "smallint",
        AdqlType.Integer => "integer",
        AdqlType.BigInt => "bigint",
        AdqlType.Real => "real",
        AdqlType.Double => "double precision",
        AdqlType.Binary or AdqlType.VarBinary or AdqlType.Blob => "bytea",
        _ => "text",
    };

    public override Task EnsureSchemaAsync(DbConnection connection, string schema, CancellationToken ct) =>
        ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {SqlDialect.QuoteIdentifier(schema)}", ct);

    public override CancellationTokenRegistration InterruptOn(DbCommand command, CancellationToken ct) =>
        ct.Register(static state =>
        {
            try
            {
                ((DbCommand)state!).Cancel();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The command already finished or the connection broke: nothing left to cancel.
            }
        }, command);

    public override async Task<long> BulkInsertAsync(
        DbConnection connection,
        string sqlTable,
        IReadOnlyList<PublishedColumn> columns,
        IRowSource rows,
        IProgress<long>? progress,
        CancellationToken ct)
    {
        var npgsql = (NpgsqlConnection)connection;
        var names = string.Join(", ", columns.Select(c => SqlDialect.QuoteIdentifier(c.Name)));
        var types = columns.Select(c => NpgsqlTypeOf(c.Type)).ToArray();
        await using var importer = await npgsql.BeginBinaryImportAsync(
            $"COPY {sqlTable} ({names}) FROM STDIN (FORMAT BINARY)", ct);
        var values = new object?[columns.Count];
        long count = 0;
        while (rows.Read(values))
        {
            // Synchronous writes: the importer buffers, and per-value awaits would dominate the load time.
            importer.StartRow();
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] is null)
                {
                    importer.WriteNull();
                }
                else
                {
                    importer.Write(Coerce(values[i]!, types[i]), types[i]);
                }
            }
            if (++count % 50_000 == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(count);
            }
        }
        await importer.CompleteAsync(ct);
        progress?.Report(count);
        return count;
    }

    // Sources give longs and doubles; COPY BINARY needs exactly the column's width.
    private static object Coerce(object value, NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Smallint => Convert.ToInt16(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Integer => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Bigint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Real => Convert.ToSingle(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Double => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Boolean => Convert.ToBoolean(value, System.Globalization.CultureInfo.InvariantCulture),
        NpgsqlDbType.Text => value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        _ => value,
    };

    private static NpgsqlDbType NpgsqlTypeOf(AdqlType type) => type switch
    {
        AdqlType.Boolean => NpgsqlDbType.Boolean,
        AdqlType.SmallInt => NpgsqlDbType.Smallint,
        AdqlType.Integer => NpgsqlDbType.Integer,
        AdqlType.BigInt => NpgsqlDbType.Bigint,
        AdqlType.Real => NpgsqlDbType.Real,
        AdqlType.Double => NpgsqlDbType.Double,
        AdqlType.Binary or AdqlType.VarBinary or AdqlType.Blob => NpgsqlDbType.Bytea,
        _ => NpgsqlDbType.Text,
    };

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        _creating.Dispose();
    }
}
