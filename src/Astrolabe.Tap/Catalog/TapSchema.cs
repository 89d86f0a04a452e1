using System.Data.Common;
using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Catalog;

/// <summary>TAP_SCHEMA 1.1 (TAP 1.1 §4): the tables that describe every published table, kept in the
/// catalogue database, plus an internal table for what TAP_SCHEMA has no place for (the HEALPix index).</summary>
internal static class TapSchema
{
    public const string SchemaName = "TAP_SCHEMA";
    private const string InternalSchema = "astrolabe_tap";

    private static PublishedColumn Text(string name, string description, bool principal = true) =>
        new(name, AdqlType.VarChar, Description: description, Principal: principal, Std: true);

    private static PublishedColumn Int(string name, string description, bool principal = false) =>
        new(name, AdqlType.Integer, Description: description, Principal: principal, Std: true);

    /// <summary>The TAP_SCHEMA tables themselves, as they are published (they describe themselves too).</summary>
    public static IReadOnlyList<(string Name, string Description, PublishedColumn[] Columns)> Definitions { get; } =
    [
        ("schemas", "Schemas published by this service.",
        [
            Text("schema_name", "schema name, for reference"),
            Text("utype", "lists the utypes of schemas in the tableset", principal: false),
            Text("description", "describes schemas in the tableset"),
            Int("schema_index", "recommended sort order when listing schemas"),
        ]),
        ("tables", "Tables published by this service.",
        [
            Text("schema_name", "the schema name from TAP_SCHEMA.schemas"),
            Text("table_name", "the table name as it should be used in queries"),
            Text("table_type", "one of: table, view"),
            Text("utype", "lists the utype of tables in the tableset", principal: false),
            Text("description", "describes tables in the tableset"),
            Int("table_index", "recommended sort order when listing tables"),
        ]),
        ("columns", "Columns of the published tables.",
        [
            Text("table_name", "the table this column belongs to"),
            Text("column_name", "the column name"),
            Text("datatype", "an XType or a TAPType"),
            Text("arraysize", "lists the size of variable-length columns in the tableset", principal: false),
            Text("xtype", "a DALI or custom extended type annotation", principal: false),
            Int("size", "deprecated: use arraysize"),
            Text("utype", "lists the utypes of columns in the tableset", principal: false),
            Text("unit", "the unit in VO standard format"),
            Text("ucd", "the UCD of column if any"),
            Text("description", "describes the columns in the tableset"),
            Int("principal", "a principal column; 1 means 1, 0 means 0", principal: true),
            Int("indexed", "an indexed column; 1 means 1, 0 means 0", principal: true),
            Int("std", "a standard column; 1 means 1, 0 means 0", principal: true),
            Int("column_index", "recommended sort order when listing columns of a table"),
        ]),
        ("keys", "Foreign keys between published tables.",
        [
            Text("key_id", "unique key to join to TAP_SCHEMA.key_columns"),
            Text("from_table", "the table with the foreign key"),
            Text("target_table", "the table with the primary key"),
            Text("utype", "lists the utype of keys in the tableset", principal: false),
            Text("description", "describes keys in the tableset"),
        ]),
        ("key_columns", "Columns of the foreign keys.",
        [
            Text("key_id", "key to join to TAP_SCHEMA.keys"),
            Text("from_column", "column in the from_table"),
            Text("target_column", "column in the target_table"),
        ]),
    ];

    public static string Sql(CatalogDatabase db, string table) => db.TableSqlName(SchemaName, table);

    private static string Internal(CatalogDatabase db) => db.TableSqlName(InternalSchema, "spatial_index");

    /// <summary>Creates TAP_SCHEMA (if absent) and (re)publishes its own description.</summary>
    public static async Task EnsureCreatedAsync(CatalogDatabase db, DbConnection connection, CancellationToken ct)
    {
        await db.EnsureSchemaAsync(connection, SchemaName, ct);
        await db.EnsureSchemaAsync(connection, InternalSchema, ct);
        foreach (var (name, _, columns) in Definitions)
        {
            var columnSql = string.Join(", ", columns.Select(c => $"{SqlDialect.QuoteIdentifier(c.Name)} {db.SqlType(c.Type)}"));
            await CatalogDatabase.ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {Sql(db, name)} ({columnSql})", ct);
        }
        await CatalogDatabase.ExecuteAsync(connection,
            $"CREATE TABLE IF NOT EXISTS {Internal(db)} (schema_name {db.SqlType(AdqlType.VarChar)}, " +
            $"table_name {db.SqlType(AdqlType.VarChar)}, ra_column {db.SqlType(AdqlType.VarChar)}, " +
            $"dec_column {db.SqlType(AdqlType.VarChar)}, healpix_column {db.SqlType(AdqlType.VarChar)}, " +
            $"healpix_order {db.SqlType(AdqlType.Integer)})", ct);
        foreach (var (name, description, columns) in Definitions)
        {
            var table = new PublishedTable(SchemaName, name, Sql(db, name), description, columns);
            await PublishAsync(db, connection, table, "The tables that describe this service's tables (TAP 1.1).", ct);
        }
        await PublishOwnKeysAsync(db, connection, ct);
    }

    /// <summary>The foreign keys among the TAP_SCHEMA tables themselves (TAP 1.1 §4 asks for them).</summary>
    private static readonly (string Id, string From, string Target, string FromColumn, string TargetColumn)[] OwnKeys =
    [
        ("TAP_SCHEMA.tables-schemas", "TAP_SCHEMA.tables", "TAP_SCHEMA.schemas", "schema_name", "schema_name"),
        ("TAP_SCHEMA.columns-tables", "TAP_SCHEMA.columns", "TAP_SCHEMA.tables", "table_name", "table_name"),
        ("TAP_SCHEMA.keys-from", "TAP_SCHEMA.keys", "TAP_SCHEMA.tables", "from_table", "table_name"),
        ("TAP_SCHEMA.keys-target", "TAP_SCHEMA.keys", "TAP_SCHEMA.tables", "target_table", "table_name"),
        ("TAP_SCHEMA.key_columns-keys", "TAP_SCHEMA.key_columns", "TAP_SCHEMA.keys", "key_id", "key_id"),
    ];

    private static async Task PublishOwnKeysAsync(CatalogDatabase db, DbConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var (id, from, target, fromColumn, targetColumn) in OwnKeys)
        {
            foreach (var sql in new[]
                     {
                         $"DELETE FROM {Sql(db, "key_columns")} WHERE key_id = @id",
                         $"DELETE FROM {Sql(db, "keys")} WHERE key_id = @id",
                         $"INSERT INTO {Sql(db, "keys")} (key_id, from_table, target_table, utype, description) VALUES (@id, @from, @target, NULL, @d)",
                         $"INSERT INTO {Sql(db, "key_columns")} (key_id, from_column, target_column) VALUES (@id, @fc, @tc)",
                     })
            {
                await using var command = CatalogDatabase.Command(connection, sql, ("@id", id), ("@from", from), ("@target", target),
                    ("@d", $"{from}.{fromColumn} refers to {target}.{targetColumn}"), ("@fc", fromColumn), ("@tc", targetColumn));
                command.Transaction = transaction;
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>Foreign keys by from_table: (target table, [(from column, target column)], description).</summary>
    public static async Task<Dictionary<string, List<PublishedKey>>> LoadKeysAsync(CatalogDatabase db, DbConnection connection,
        CancellationToken ct)
    {
        var keys = new Dictionary<string, PublishedKey>();
        await using (var command = CatalogDatabase.Command(connection, $"SELECT key_id, from_table, target_table, description FROM {Sql(db, "keys")}"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                keys[reader.GetString(0)] = new PublishedKey(reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), []);
            }
        }
        await using (var command = CatalogDatabase.Command(connection, $"SELECT key_id, from_column, target_column FROM {Sql(db, "key_columns")}"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (keys.TryGetValue(reader.GetString(0), out var key))
                {
                    key.Columns.Add((reader.GetString(1), reader.GetString(2)));
                }
            }
        }
        return keys.Values.GroupBy(k => k.FromTable).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Publishes (or re-publishes) a table: its schema, table and column rows, and its spatial index.</summary>
    public static async Task PublishAsync(CatalogDatabase db, DbConnection connection, PublishedTable table,
        string? schemaDescription, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        async Task Run(string sql, params (string, object?)[] parameters)
        {
            await using var command = CatalogDatabase.Command(connection, sql, parameters);
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        async Task<long> Scalar(string sql, params (string, object?)[] parameters)
        {
            await using var command = CatalogDatabase.Command(connection, sql, parameters);
            command.Transaction = transaction;
            var value = await command.ExecuteScalarAsync(ct);
            return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        var qualified = table.QualifiedName;
        if (await Scalar($"SELECT COUNT(*) FROM {Sql(db, "schemas")} WHERE schema_name = @s", ("@s", table.Schema)) == 0)
        {
            long schemaIndex = await Scalar($"SELECT MAX(schema_index) FROM {Sql(db, "schemas")}") + 1;
            await Run($"INSERT INTO {Sql(db, "schemas")} (schema_name, utype, description, schema_index) VALUES (@s, NULL, @d, @i)",
                ("@s", table.Schema), ("@d", schemaDescription), ("@i", (int)schemaIndex));
        }
        long tableIndex = await Scalar($"SELECT MAX(table_index) FROM {Sql(db, "tables")} WHERE table_name = @t", ("@t", qualified));
        if (tableIndex == 0)
        {
            tableIndex = await Scalar($"SELECT MAX(table_index) FROM {Sql(db, "tables")}") + 1;
        }
        await Run($"DELETE FROM {Sql(db, "columns")} WHERE table_name = @t", ("@t", qualified));
        await Run($"DELETE FROM {Sql(db, "tables")} WHERE table_name = @t", ("@t", qualified));
        await Run($"DELETE FROM {Internal(db)} WHERE schema_name = @s AND table_name = @t", ("@s", table.Schema), ("@t", table.Name));
        await Run($"INSERT INTO {Sql(db, "tables")} (schema_name, table_name, table_type, utype, description, table_index) " +
                  "VALUES (@s, @t, @type, NULL, @d, @i)",
            ("@s", table.Schema), ("@t", qualified), ("@type", table.TableType), ("@d", table.Description), ("@i", (int)tableIndex));
        for (int i = 0; i < table.Columns.Count; i++)
        {
            var c = table.Columns[i];
            await Run($"INSERT INTO {Sql(db, "columns")} (table_name, column_name, datatype, arraysize, xtype, \"size\", utype, " +
                      "unit, ucd, description, principal, indexed, std, column_index) " +
                      "VALUES (@t, @c, @dt, @as, @xt, @sz, @ut, @u, @ucd, @d, @p, @ix, @std, @ci)",
                ("@t", qualified), ("@c", c.DelimitedName), ("@dt", c.Datatype), ("@as", c.Arraysize), ("@xt", c.Xtype),
                ("@sz", int.TryParse(c.Arraysize, out int size) ? size : null), ("@ut", c.Utype), ("@u", c.Unit),
                ("@ucd", c.Ucd), ("@d", c.Description), ("@p", c.Principal ? 1 : 0), ("@ix", c.Indexed ? 1 : 0),
                ("@std", c.Std ? 1 : 0), ("@ci", i + 1));
        }
        if (table.Spatial is { } spatial)
        {
            await Run($"INSERT INTO {Internal(db)} (schema_name, table_name, ra_column, dec_column, healpix_column, healpix_order) " +
                      "VALUES (@s, @t, @ra, @dec, @hp, @o)",
                ("@s", table.Schema), ("@t", table.Name), ("@ra", spatial.RaColumn), ("@dec", spatial.DecColumn),
                ("@hp", spatial.HealpixColumn), ("@o", spatial.Order));
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>Removes a table's TAP_SCHEMA rows (the SQL table itself is left to the caller).</summary>
    public static async Task UnpublishAsync(CatalogDatabase db, DbConnection connection, string schema, string table,
        CancellationToken ct)
    {
        var qualified = $"{schema}.{table}";
        await CatalogDatabase.ExecuteAsync(connection, $"DELETE FROM {Sql(db, "columns")} WHERE table_name = @t", ct, ("@t", qualified));
        await CatalogDatabase.ExecuteAsync(connection, $"DELETE FROM {Sql(db, "tables")} WHERE table_name = @t", ct, ("@t", qualified));
        await CatalogDatabase.ExecuteAsync(connection, $"DELETE FROM {Internal(db)} WHERE schema_name = @s AND table_name = @t", ct,
            ("@s", schema), ("@t", table));
    }

    /// <summary>Reads every published table from TAP_SCHEMA.</summary>
    public static async Task<IReadOnlyList<PublishedTable>> LoadAsync(CatalogDatabase db, DbConnection connection,
        CancellationToken ct)
    {
        var schemaDescriptions = new Dictionary<string, string?>();
        var tables = new List<(string Schema, string Qualified, string Type, string? Description)>();
        await using (var command = CatalogDatabase.Command(connection,
                         $"SELECT schema_name, table_name, table_type, description FROM {Sql(db, "tables")} ORDER BY table_index"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tables.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? "table" : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }
        var columns = new Dictionary<string, List<PublishedColumn>>();
        await using (var command = CatalogDatabase.Command(connection,
                         "SELECT table_name, column_name, datatype, arraysize, xtype, unit, ucd, description, principal, indexed, " +
                         $"std, utype FROM {Sql(db, "columns")} ORDER BY table_name, column_index"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                string? Get(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                bool Flag(int i) => !reader.IsDBNull(i) && Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) != 0;
                var type = FromTapSchema(reader.GetString(2), Get(3), Get(4));
                var name = reader.GetString(1);
                if (name.Length > 2 && name[0] == '"' && name[^1] == '"')
                {
                    name = name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
                }
                var column = new PublishedColumn(name, type, Get(5), Get(6), Get(7), Flag(8), Flag(9), Flag(10), Get(11));
                if (!columns.TryGetValue(reader.GetString(0), out var list))
                {
                    columns[reader.GetString(0)] = list = [];
                }
                list.Add(column);
            }
        }
        var spatial = new Dictionary<string, SpatialIndex>(StringComparer.OrdinalIgnoreCase);
        await using (var command = CatalogDatabase.Command(connection,
                         $"SELECT schema_name, table_name, ra_column, dec_column, healpix_column, healpix_order FROM {Internal(db)}"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                spatial[$"{reader.GetString(0)}.{reader.GetString(1)}"] = new SpatialIndex(
                    reader.GetString(2), reader.GetString(3), reader.GetString(4), Convert.ToInt32(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        var keys = await LoadKeysAsync(db, connection, ct);
        var result = new List<PublishedTable>();
        foreach (var (schema, qualified, type, description) in tables)
        {
            var name = qualified.StartsWith(schema + ".", StringComparison.Ordinal) ? qualified[(schema.Length + 1)..] : qualified;
            result.Add(new PublishedTable(schema, name, db.TableSqlName(schema, name), description,
                columns.GetValueOrDefault(qualified) ?? [], spatial.GetValueOrDefault(qualified), type)
            {
                Keys = keys.GetValueOrDefault(qualified) ?? [],
            });
        }
        return result;
    }

    private static AdqlType FromTapSchema(string datatype, string? arraysize, string? xtype)
    {
        if (datatype == "char" && xtype is null or "")
        {
            return arraysize is null or "1" ? AdqlType.Char : AdqlType.VarChar;
        }
        return VoTypes.FromVoTable(datatype, arraysize, xtype);
    }
}
