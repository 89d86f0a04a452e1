using System.Data.Common;
using System.Globalization;
using Astrolabe.Tap.Adql;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Astrolabe.Tap.Tests.Adql;

/// <summary>The test catalogue loaded into a real SQLite database (in memory) and a real PostgreSQL database
/// (a throwaway database created through ASTROLABE_TEST_POSTGRES, dropped afterwards).</summary>
public sealed class AdqlDatabases : IAsyncLifetime
{
    private const string PgSchema = "adqltest";
    private string? _adminConnectionString;
    private string? _databaseName;

    internal TestData Data { get; } = TestData.Generate();
    internal SqliteConnection Sqlite { get; } = new("Data Source=:memory:");
    internal NpgsqlDataSource? Postgres { get; private set; }
    internal TestCatalog SqliteCatalog { get; } = TestCatalog.ForSqlite();
    internal TestCatalog PostgresCatalog { get; } = TestCatalog.ForPostgres(PgSchema);

    public async Task InitializeAsync()
    {
        Sqlite.Open();
        AdqlSqliteFunctions.Register(Sqlite);
        Execute(Sqlite, CreateTables("", sqlite: true));
        LoadSqlite();

        _adminConnectionString = Environment.GetEnvironmentVariable("ASTROLABE_TEST_POSTGRES");
        if (string.IsNullOrEmpty(_adminConnectionString))
        {
            return;
        }
        _databaseName = "adql_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            // C collation, so string order matches SQLite's byte order.
            await using var create = new NpgsqlCommand(
                $"CREATE DATABASE {_databaseName} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'", admin);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _databaseName };
        Postgres = NpgsqlDataSource.Create(builder.ConnectionString);
        await using var connection = await Postgres.OpenConnectionAsync();
        Execute(connection, PostgresGeometry.CreateFunctionsSql);
        Execute(connection, $"CREATE SCHEMA {PgSchema};" + CreateTables(PgSchema + ".", sqlite: false));
        await LoadPostgresAsync(connection);
    }

    public async Task DisposeAsync()
    {
        Sqlite.Dispose();
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static string CreateTables(string prefix, bool sqlite)
    {
        string dbl = sqlite ? "REAL" : "double precision";
        string real = sqlite ? "REAL" : "real";
        string text = sqlite ? "TEXT" : "text";
        string ts = sqlite ? "TEXT" : "timestamp";
        return $"""
            CREATE TABLE {prefix}demo_stars (id bigint, ra_deg {dbl}, dec_deg {dbl}, gmag {real}, rmag {dbl}, bmag {dbl},
              pmra {dbl}, pmdec {dbl}, parallax {dbl}, obj_class {text}, name {text}, flags integer, obs_time {ts}, hpx bigint);
            CREATE INDEX demo_stars_hpx ON {prefix}demo_stars (hpx);
            CREATE TABLE {prefix}demo_galaxies (id bigint, ra {dbl}, dec {dbl}, redshift {dbl}, morph {text}, star_id bigint, hpx bigint);
            CREATE INDEX demo_galaxies_hpx ON {prefix}demo_galaxies (hpx);
            CREATE TABLE {prefix}demo_fields (field_id integer, name {text}, center {text}, footprint {text}, outline {text});
            CREATE TABLE {prefix}tap_upload_mine (id bigint, ra_deg {dbl}, dec_deg {dbl});
            CREATE TABLE {prefix}tap_schema_schemas (schema_name {text}, description {text}, utype {text}, schema_index integer);
            CREATE TABLE {prefix}tap_schema_tables (schema_name {text}, table_name {text}, table_type {text}, description {text},
              utype {text}, table_index integer);
            CREATE TABLE {prefix}tap_schema_columns (table_name {text}, column_name {text}, datatype {text}, arraysize {text},
              xtype {text}, "size" integer, description {text}, unit {text}, ucd {text}, utype {text}, principal integer,
              indexed integer, std integer, column_index integer);
            """;
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private IEnumerable<(string Table, object?[] Values)> Rows()
    {
        foreach (var s in Data.Stars)
        {
            yield return ("demo_stars", [s.Id, s.Ra, s.Dec, (float)s.Gmag, s.Rmag, s.Bmag, s.Pmra, s.Pmdec, s.Parallax, s.Class, s.Name,
                s.Flags, s.ObsTime, s.Healpix]);
        }
        foreach (var g in Data.Galaxies)
        {
            yield return ("demo_galaxies", [g.Id, g.Ra, g.Dec, g.Redshift, g.Morph, g.StarId, g.Healpix]);
        }
        foreach (var f in Data.Fields)
        {
            yield return ("demo_fields", [f.FieldId, f.Name, f.Center, f.Footprint, f.Outline]);
        }
        foreach (var m in Data.Mine)
        {
            yield return ("tap_upload_mine", [m.Id, m.Ra, m.Dec]);
        }
        yield return ("tap_schema_schemas", ["demo", "demonstration tables", null, 1]);
        yield return ("tap_schema_schemas", ["TAP_SCHEMA", "this service's metadata", null, 0]);
        yield return ("tap_schema_tables", ["demo", "demo.stars", "table", "stars", null, 1]);
        yield return ("tap_schema_tables", ["demo", "demo.galaxies", "table", "galaxies", null, 2]);
        yield return ("tap_schema_columns", ["demo.stars", "id", "long", null, null, null, "identifier", null, "meta.id", null, 1, 1, 0, 1]);
        yield return ("tap_schema_columns", ["demo.stars", "ra", "double", null, null, null, "right ascension", "deg", "pos.eq.ra", null, 1, 1, 0, 2]);
    }

    private void LoadSqlite()
    {
        using var transaction = Sqlite.BeginTransaction();
        foreach (var (table, values) in Rows())
        {
            using var insert = Sqlite.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {table} VALUES ({string.Join(", ", values.Select((_, i) => "@v" + i))})";
            for (int i = 0; i < values.Length; i++)
            {
                object? v = values[i] is DateTime t ? t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) : values[i];
                insert.Parameters.AddWithValue("@v" + i, v ?? DBNull.Value);
            }
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private async Task LoadPostgresAsync(NpgsqlConnection connection)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (table, values) in Rows())
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {PgSchema}.{table} VALUES ({string.Join(", ", values.Select((_, i) => "@v" + i))})", connection, transaction);
            for (int i = 0; i < values.Length; i++)
            {
                object? v = values[i] is DateTime t ? DateTime.SpecifyKind(t, DateTimeKind.Unspecified) : values[i];
                // A NULL goes untyped, so PostgreSQL takes the column's type.
                insert.Parameters.Add(new NpgsqlParameter("v" + i, v ?? DBNull.Value));
            }
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    /// <summary>Translates and runs an ADQL query on one backend; rows with values normalised to long,
    /// double, string (timestamps as ISO text) or null.</summary>
    internal async Task<(List<object?[]> Rows, SqlQuery Query)> RunAsync(string backend, string adql, long? maxRec = null)
    {
        bool pg = backend == "postgres";
        if (pg && Postgres is null)
        {
            Assert.Fail("ASTROLABE_TEST_POSTGRES is not set: these tests need a real PostgreSQL (scripts/test.sh starts one)");
        }
        var query = AdqlTranslator.Translate(adql, pg ? PostgresCatalog : SqliteCatalog, pg ? SqlDialect.Postgres : SqlDialect.Sqlite, maxRec);
        await using DbConnection connection = pg ? await Postgres!.OpenConnectionAsync() : new SqliteConnectionWrapper(Sqlite);
        await using var command = connection.CreateCommand();
        command.CommandText = query.Sql;
        foreach (var (name, value) in query.Parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Normalise(reader.GetValue(i));
            }
            rows.Add(row);
        }
        Assert.Equal(query.Columns.Count, reader.FieldCount);
        return (rows, query);
    }

    /// <summary>The backend's query plan for a translated query, as text.</summary>
    internal async Task<string> PlanAsync(string backend, string adql)
    {
        bool pg = backend == "postgres";
        if (pg && Postgres is null)
        {
            Assert.Fail("ASTROLABE_TEST_POSTGRES is not set: these tests need a real PostgreSQL (scripts/test.sh starts one)");
        }
        var query = AdqlTranslator.Translate(adql, pg ? PostgresCatalog : SqliteCatalog, pg ? SqlDialect.Postgres : SqlDialect.Sqlite);
        await using DbConnection connection = pg ? await Postgres!.OpenConnectionAsync() : new SqliteConnectionWrapper(Sqlite);
        if (pg)
        {
            // The table is small; forbid sequential scans so the plan shows whether the index can be used at all.
            Execute(connection, "SET enable_seqscan = off");
        }
        await using var command = connection.CreateCommand();
        command.CommandText = (pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + query.Sql;
        foreach (var (name, value) in query.Parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        var plan = new System.Text.StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.AppendLine(reader.GetValue(reader.FieldCount - 1)?.ToString());
        }
        return plan.ToString();
    }

    private static object? Normalise(object value) => value switch
    {
        short s => (long)s,
        int i => (long)i,
        long l => l,
        float f => (double)f,
        double d => d,
        decimal m => (double)m,
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        string s => s,
        _ => value.ToString(),
    };
}

/// <summary>Lets the shared in-memory SQLite connection be used in `await using` without closing it.</summary>
internal sealed class SqliteConnectionWrapper(SqliteConnection inner) : DbConnection
{
#pragma warning disable CS8765
    public override string ConnectionString { get => inner.ConnectionString; set { } }
#pragma warning restore CS8765
    public override string Database => inner.Database;
    public override string DataSource => inner.DataSource;
    public override string ServerVersion => inner.ServerVersion;
    public override System.Data.ConnectionState State => inner.State;
    public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);
    public override void Close() { }
    public override void Open() { }
    protected override DbTransaction BeginDbTransaction(System.Data.IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);
    protected override DbCommand CreateDbCommand() => inner.CreateCommand();
}
