using System.Data.Common;

namespace Astrolabe.Hub.State;

/// <summary>Runs the hub's SQL with named parameters (`@name` in the text, `("name", value)` here; null is SQL NULL)
/// and leaves reading rows to explicit mapping functions. Plain ADO.NET, so trimmed and native (AOT) builds work;
/// the same calls serve SQLite and PostgreSQL.</summary>
internal static class Sql
{
    public static Task<int> ExecuteAsync(this DbConnection db, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        ExecuteAsync(db, null, sql, ct, parameters);

    /// <summary>As above, inside the transaction (SQLite requires every command of a connection in a transaction to name it).</summary>
    public static Task<int> ExecuteAsync(this DbTransaction tx, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        ExecuteAsync(tx.Connection!, tx, sql, ct, parameters);

    /// <summary>The first column of the first row as a 64-bit integer; null when there is no row or the value is NULL.</summary>
    public static Task<long?> Int64Async(this DbConnection db, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        Int64Async(db, null, sql, ct, parameters);

    public static Task<long?> Int64Async(this DbTransaction tx, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        Int64Async(tx.Connection!, tx, sql, ct, parameters);

    /// <summary>Every row, each read by <paramref name="map"/> (columns by position, in the order the SELECT names them).</summary>
    public static async Task<List<T>> QueryAsync<T>(this DbConnection db, string sql, Func<DbDataReader, T> map, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(db, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    /// <summary>The only row, or null when there is none (more than one is a bug in the query and throws).</summary>
    public static async Task<T?> QuerySingleOrDefaultAsync<T>(this DbConnection db, string sql, Func<DbDataReader, T> map, CancellationToken ct,
        params (string Name, object? Value)[] parameters) where T : class
    {
        var rows = await QueryAsync(db, sql, map, ct, parameters);
        return rows.Count switch { 0 => null, 1 => rows[0], _ => throw new InvalidOperationException($"More than one row from: {sql}") };
    }

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static async Task<int> ExecuteAsync(DbConnection db, DbTransaction? tx, string sql, CancellationToken ct, (string Name, object? Value)[] parameters)
    {
        await using var command = Command(db, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long?> Int64Async(DbConnection db, DbTransaction? tx, string sql, CancellationToken ct, (string Name, object? Value)[] parameters)
    {
        await using var command = Command(db, tx, sql, parameters);
        return await command.ExecuteScalarAsync(ct) switch
        {
            null or DBNull => null,
            long v => v,
            var other => Convert.ToInt64(other, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static DbCommand Command(DbConnection db, DbTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var command = db.CreateCommand();
        command.CommandText = sql;
        if (tx is not null) command.Transaction = tx; // else keep what the connection set (SQLite: its open transaction)
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
