using System.Data.Common;
using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Catalog;

/// <summary>The two backends a catalogue database can be.</summary>
internal enum CatalogBackend
{
    Sqlite,
    Postgres,
}

/// <summary>The catalogue database: where published tables, TAP_SCHEMA and UWS jobs live. One object per
/// backend knows how to connect, name tables, map types, bulk-load rows and interrupt a running query.</summary>
internal abstract class CatalogDatabase
{
    public abstract CatalogBackend Backend { get; }

    public abstract SqlDialect Dialect { get; }

    /// <summary>Opens a connection ready for translated SQL (ADQL functions registered on SQLite).</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>The quoted SQL reference to a table published as schema.table.</summary>
    public abstract string TableSqlName(string schema, string table);

    /// <summary>The quoted SQL reference of a TAP_UPLOAD table on the connection that received it.</summary>
    public abstract string UploadSqlName(string name);

    /// <summary>The SQL column type for an ADQL type.</summary>
    public abstract string SqlType(AdqlType type);

    /// <summary>Creates the backend schema a published schema needs (nothing on SQLite).</summary>
    public abstract Task EnsureSchemaAsync(DbConnection connection, string schema, CancellationToken ct);

    /// <summary>Stops <paramref name="command"/> in the database when <paramref name="ct"/> fires, even while
    /// no call on it is waiting (SQLite: sqlite3_interrupt; PostgreSQL: a cancel request).</summary>
    public abstract CancellationTokenRegistration InterruptOn(DbCommand command, CancellationToken ct);

    /// <summary>Appends rows to a table in one transaction (COPY on PostgreSQL). Returns the row count.</summary>
    public abstract Task<long> BulkInsertAsync(
        DbConnection connection,
        string sqlTable,
        IReadOnlyList<PublishedColumn> columns,
        IRowSource rows,
        IProgress<long>? progress,
        CancellationToken ct);

    /// <summary>Whether a table exists, by its quoted SQL reference.</summary>
    public async Task<bool> TableExistsAsync(DbConnection connection, string sqlTable, CancellationToken ct)
    {
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT 1 FROM {sqlTable} WHERE 1 = 0";
            await command.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    public static CatalogBackend? Detect(string connectionString)
    {
        var text = connectionString.Trim();
        if (text.Contains("Host=", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            return CatalogBackend.Postgres;
        }
        if (text.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DataSource=", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("Filename=", StringComparison.OrdinalIgnoreCase))
        {
            return CatalogBackend.Sqlite;
        }
        return null;
    }

    public static CatalogDatabase Create(string connectionString) => Detect(connectionString) switch
    {
        CatalogBackend.Postgres => new PostgresCatalogDatabase(connectionString),
        CatalogBackend.Sqlite => new SqliteCatalogDatabase(connectionString),
        _ => throw new ArgumentException("not a SQLite or PostgreSQL connection string", nameof(connectionString)),
    };

    public static async Task<int> ExecuteAsync(DbConnection connection, string sql, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Command(connection, sql, parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)));

    /// <summary>A command with its named parameters (null values as DBNull), e.g. a translated query's.</summary>
    public static DbCommand Command(DbConnection connection, string sql, IEnumerable<KeyValuePair<string, object?>> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}

/// <summary>Rows read one at a time from a file or a generator, for bulk loading.</summary>
internal interface IRowSource
{
    /// <summary>Fills <paramref name="values"/> (one slot per column, null for NULL) with the next row;
    /// false at the end.</summary>
    bool Read(object?[] values);
}
