using System.Data.Common;
using Astrolabe.Tap.Adql;
using Microsoft.Data.Sqlite;

namespace Astrolabe.Tap.Catalog;

/// <summary>The embedded default: one SQLite file. Schemas do not exist in SQLite, so a table published as
/// schema.table is the single SQL table named "schema.table".</summary>
internal sealed class SqliteCatalogDatabase : CatalogDatabase
{
    private readonly string _connectionString;
    private int _initialised;

    public SqliteCatalogDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory) && builder.DataSource != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }
        _connectionString = builder.ToString();
        FilePath = builder.DataSource;
    }

    public string FilePath { get; }

    public override CatalogBackend Backend => CatalogBackend.Sqlite;

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    public override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        AdqlSqliteFunctions.Register(connection);
        await using var command = connection.CreateCommand();
        // WAL lets readers run while a job or an ingest writes; it is a property of the file, set once.
        command.CommandText = Interlocked.Exchange(ref _initialised, 1) == 0
            ? "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA mmap_size=1073741824;"
            : "PRAGMA busy_timeout=30000; PRAGMA mmap_size=1073741824;";
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public override string TableSqlName(string schema, string table) => SqlDialect.QuoteIdentifier($"{schema}.{table}");

    public override string UploadSqlName(string name) => "temp." + SqlDialect.QuoteIdentifier("upload_" + name);

    public override string SqlType(AdqlType type) => type switch
    {
        AdqlType.Boolean or AdqlType.SmallInt or AdqlType.Integer or AdqlType.BigInt => "INTEGER",
        AdqlType.Real or AdqlType.Double => "REAL",
        AdqlType.Binary or AdqlType.VarBinary or AdqlType.Blob => "BLOB",
        _ => "TEXT",
    };

    public override Task EnsureSchemaAsync(DbConnection connection, string schema, CancellationToken ct) =>
        Task.CompletedTask;

    public override CancellationTokenRegistration InterruptOn(DbCommand command, CancellationToken ct)
    {
        var sqlite = (SqliteConnection)command.Connection!;
        return ct.Register(() =>
        {
            var handle = sqlite.Handle;
            if (handle is not null)
            {
                SQLitePCL.raw.sqlite3_interrupt(handle);
            }
        });
    }

    public override async Task<long> BulkInsertAsync(
        DbConnection connection,
        string sqlTable,
        IReadOnlyList<PublishedColumn> columns,
        IRowSource rows,
        IProgress<long>? progress,
        CancellationToken ct)
    {
        var sqlite = (SqliteConnection)connection;
        await using var transaction = (SqliteTransaction)await sqlite.BeginTransactionAsync(ct);
        await using var command = sqlite.CreateCommand();
        command.Transaction = transaction;
        var names = string.Join(", ", columns.Select(c => SqlDialect.QuoteIdentifier(c.Name)));
        var placeholders = string.Join(", ", columns.Select((_, i) => "@p" + i));
        command.CommandText = $"INSERT INTO {sqlTable} ({names}) VALUES ({placeholders})";
        var parameters = new SqliteParameter[columns.Count];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = command.Parameters.Add("@p" + i, SqliteTypeOf(columns[i].Type));
        }
        command.Prepare();
        var values = new object?[columns.Count];
        long count = 0;
        while (rows.Read(values))
        {
            for (int i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }
            command.ExecuteNonQuery();
            if (++count % 50_000 == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(count);
            }
        }
        await transaction.CommitAsync(ct);
        progress?.Report(count);
        return count;
    }

    private static SqliteType SqliteTypeOf(AdqlType type) => type switch
    {
        AdqlType.Boolean or AdqlType.SmallInt or AdqlType.Integer or AdqlType.BigInt => SqliteType.Integer,
        AdqlType.Real or AdqlType.Double => SqliteType.Real,
        AdqlType.Binary or AdqlType.VarBinary or AdqlType.Blob => SqliteType.Blob,
        _ => SqliteType.Text,
    };
}
