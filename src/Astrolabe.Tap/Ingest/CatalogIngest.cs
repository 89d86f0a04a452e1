using System.Data.Common;
using System.Text.RegularExpressions;
using Astrolabe.Sky;
using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;

namespace Astrolabe.Tap.Ingest;

/// <summary>Progress of an ingest: rows loaded so far and the fraction of the input read.</summary>
public readonly record struct IngestProgress(string Stage, long Rows, double Fraction);

/// <summary>What an ingest produced.</summary>
public sealed record IngestResult(string Table, long Rows, IReadOnlyList<string> Columns, string? HealpixColumn);

/// <summary>Loads a catalogue file (CSV, VOTable, FITS binary table) into the catalogue database as a new
/// table, computes and indexes its HEALPix column, and publishes it in TAP_SCHEMA.</summary>
public static partial class CatalogIngest
{
    /// <summary>Name of the NESTED HEALPix column added to tables with a position.</summary>
    public const string HealpixColumn = "healpix_index";

    /// <summary>Default HEALPix order: pixels of about 3.4 arcmin, a few hundred in a 0.5° cone.</summary>
    public const int DefaultHealpixOrder = 10;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex RegularIdentifier();

    /// <summary>Ingests <paramref name="file"/> as <paramref name="qualifiedTable"/> ("schema.name"), replacing
    /// a table of that name. <paramref name="connectionString"/> is the catalogue database (SQLite or PostgreSQL).</summary>
    public static async Task<IngestResult> IngestFileAsync(
        string connectionString,
        string file,
        string qualifiedTable,
        string? metadataFile,
        IProgress<IngestProgress>? progress,
        CancellationToken ct)
    {
        var db = CatalogDatabase.Create(connectionString);
        try
        {
            if (!File.Exists(file))
            {
                throw new IngestException($"{file}: no such file.");
            }
            var metadata = metadataFile is null ? new TableMetadata() : TableMetadata.Load(metadataFile);
            using var source = OpenSource(file);
            return await LoadAsync(db, qualifiedTable, source, metadata, progress, ct);
        }
        catch (TableFormatException ex)
        {
            throw new IngestException(ex.Message);
        }
        finally
        {
            if (db is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    /// <summary>Generates the demo catalogue (<paramref name="rows"/> objects) and publishes it as demo.objects.</summary>
    public static async Task<IngestResult> IngestDemoAsync(string connectionString, long rows, IProgress<IngestProgress>? progress,
        CancellationToken ct)
    {
        var db = CatalogDatabase.Create(connectionString);
        try
        {
            using var source = new Demo.DemoCatalog(rows);
            return await LoadAsync(db, Demo.DemoCatalog.Table, source, Demo.DemoCatalog.Metadata, progress, ct);
        }
        finally
        {
            if (db is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    /// <summary>The published tables (schema.name) other than TAP_SCHEMA's, with their descriptions.</summary>
    public static async Task<IReadOnlyList<(string Table, string? Description, int Columns)>> ListAsync(string connectionString,
        CancellationToken ct)
    {
        var db = CatalogDatabase.Create(connectionString);
        try
        {
            await using var connection = await db.OpenAsync(ct);
            await TapSchema.EnsureCreatedAsync(db, connection, ct);
            var tables = await TapSchema.LoadAsync(db, connection, ct);
            return tables.Where(t => t.Schema != TapSchema.SchemaName)
                .Select(t => (t.QualifiedName, t.Description, t.Columns.Count)).ToList();
        }
        finally
        {
            if (db is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    /// <summary>Unpublishes a table and drops it; false when no such table is published.</summary>
    public static async Task<bool> DropAsync(string connectionString, string qualifiedTable, CancellationToken ct)
    {
        var (schema, table) = SplitName(qualifiedTable);
        if (schema.Equals(TapSchema.SchemaName, StringComparison.OrdinalIgnoreCase))
        {
            throw new IngestException("TAP_SCHEMA tables cannot be dropped.");
        }
        var db = CatalogDatabase.Create(connectionString);
        try
        {
            await using var connection = await db.OpenAsync(ct);
            await TapSchema.EnsureCreatedAsync(db, connection, ct);
            var published = (await TapSchema.LoadAsync(db, connection, ct))
                .FirstOrDefault(t => t.QualifiedName.Equals(qualifiedTable, StringComparison.OrdinalIgnoreCase));
            if (published is null)
            {
                return false;
            }
            await TapSchema.UnpublishAsync(db, connection, published.Schema, published.Name, ct);
            await CatalogDatabase.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {published.SqlName}", ct);
            return true;
        }
        finally
        {
            if (db is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    internal static ITableSource OpenSource(string file)
    {
        var name = file.ToLowerInvariant();
        if (name.EndsWith(".csv", StringComparison.Ordinal))
        {
            return new CsvSource(file);
        }
        if (name.EndsWith(".vot", StringComparison.Ordinal) || name.EndsWith(".votable", StringComparison.Ordinal)
            || name.EndsWith(".xml", StringComparison.Ordinal) || name.EndsWith(".vot.xml", StringComparison.Ordinal))
        {
            return new VoTableSource(file);
        }
        if (name.EndsWith(".fits", StringComparison.Ordinal) || name.EndsWith(".fit", StringComparison.Ordinal)
            || name.EndsWith(".fts", StringComparison.Ordinal))
        {
            return new FitsTableSource(file);
        }
        throw new TableFormatException($"{Path.GetFileName(file)}: unknown file type; use .csv, .vot/.xml (VOTable) or .fits.");
    }

    /// <summary>Creates the table, loads <paramref name="source"/>, builds indexes and publishes it.</summary>
    internal static async Task<IngestResult> LoadAsync(
        CatalogDatabase db,
        string qualifiedTable,
        ITableSource source,
        TableMetadata metadata,
        IProgress<IngestProgress>? progress,
        CancellationToken ct)
    {
        var (schema, table) = SplitName(qualifiedTable);
        if (schema.Equals(TapSchema.SchemaName, StringComparison.OrdinalIgnoreCase) || schema.Equals("TAP_UPLOAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new IngestException($"schema '{schema}' is reserved; choose another schema for '{qualifiedTable}'.");
        }
        var columns = metadata.Apply(source.Columns);
        foreach (var column in columns)
        {
            if (!RegularIdentifier().IsMatch(column.Name))
            {
                throw new IngestException($"column name '{column.Name}' is not an ADQL identifier (a letter, then letters, digits or _); rename it in the file.");
            }
        }
        var duplicate = columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new IngestException($"column name '{duplicate.Key}' appears twice (ADQL names are case-insensitive).");
        }
        int ra = FindPosition(columns, metadata.RaColumn, "ra", "pos.eq.ra", ["ra", "raj2000", "ra_deg", "ra_icrs", "alpha"]);
        int dec = FindPosition(columns, metadata.DecColumn, "dec", "pos.eq.dec", ["dec", "dej2000", "decj2000", "dec_deg", "de_icrs", "delta"]);
        bool spatial = ra >= 0 && dec >= 0;
        if (spatial)
        {
            columns = columns.Select((c, i) => i == ra || i == dec ? c with { Indexed = true } : c).ToList();
        }
        int order = metadata.HealpixOrder ?? DefaultHealpixOrder;

        var sqlTable = db.TableSqlName(schema, table);
        await using var connection = await db.OpenAsync(ct);
        await TapSchema.EnsureCreatedAsync(db, connection, ct);
        await db.EnsureSchemaAsync(connection, schema, ct);
        await CatalogDatabase.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {sqlTable}", ct);
        var definitions = columns.Select(c => $"{SqlDialect.QuoteIdentifier(c.Name)} {db.SqlType(c.Type)}").ToList();
        var loaded = columns.ToList();
        if (spatial)
        {
            definitions.Add($"{SqlDialect.QuoteIdentifier(HealpixColumn)} {db.SqlType(AdqlType.BigInt)}");
            loaded.Add(new PublishedColumn(HealpixColumn, AdqlType.BigInt));
        }
        await CatalogDatabase.ExecuteAsync(connection, $"CREATE TABLE {sqlTable} ({string.Join(", ", definitions)})", ct);

        var rows = new HealpixRows(source, spatial ? ra : -1, dec, order, columns.Count);
        var rowProgress = progress is null ? null : new Progress<long>(n => progress.Report(new IngestProgress("loading", n, source.Fraction)));
        long count = await db.BulkInsertAsync(connection, sqlTable, loaded, rows, rowProgress, ct);

        progress?.Report(new IngestProgress("indexing", count, 1));
        var indexPrefix = Regex.Replace($"{schema}_{table}", "[^A-Za-z0-9_]", "_").ToLowerInvariant();
        if (spatial)
        {
            await CreateIndexAsync(db, connection, sqlTable, $"{indexPrefix}_{HealpixColumn}", HealpixColumn, ct);
        }
        foreach (var column in columns.Where((c, i) => c.Indexed && i != ra && i != dec))
        {
            await CreateIndexAsync(db, connection, sqlTable, $"{indexPrefix}_{column.Name.ToLowerInvariant()}", column.Name, ct);
        }
        await CatalogDatabase.ExecuteAsync(connection, $"ANALYZE {sqlTable}", ct);

        var published = new PublishedTable(schema, table, sqlTable, metadata.Description ?? source.Description, columns,
            spatial ? new SpatialIndex(columns[ra].Name, columns[dec].Name, HealpixColumn, order) : null);
        await TapSchema.PublishAsync(db, connection, published, null, ct);
        progress?.Report(new IngestProgress("published", count, 1));
        return new IngestResult(published.QualifiedName, count, columns.Select(c => c.Name).ToList(), spatial ? HealpixColumn : null);
    }

    private static async Task CreateIndexAsync(CatalogDatabase db, DbConnection connection, string sqlTable, string indexName,
        string column, CancellationToken ct)
    {
        // PostgreSQL index names live in the table's schema, SQLite's in the file: both take a bare name.
        await CatalogDatabase.ExecuteAsync(connection,
            $"CREATE INDEX {SqlDialect.QuoteIdentifier(indexName)} ON {sqlTable} ({SqlDialect.QuoteIdentifier(column)})", ct);
    }

    internal static (string Schema, string Table) SplitName(string qualified)
    {
        var parts = qualified.Split('.');
        if (parts.Length != 2 || !RegularIdentifier().IsMatch(parts[0]) || !RegularIdentifier().IsMatch(parts[1]))
        {
            throw new IngestException($"'{qualified}' is not a table name of the form schema.table (letters, digits, _).");
        }
        return (parts[0], parts[1]);
    }

    private static int FindPosition(IReadOnlyList<PublishedColumn> columns, string? named, string what, string ucd, string[] names)
    {
        if (named is not null)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (string.Equals(columns[i].Name, named, StringComparison.OrdinalIgnoreCase))
                {
                    return columns[i].Type is AdqlType.Double or AdqlType.Real
                        ? i
                        : throw new IngestException($"the {what} column '{named}' is not floating point.");
                }
            }
            throw new IngestException($"the metadata names '{named}' as the {what} column, but the file has no such column.");
        }
        bool Numeric(PublishedColumn c) => c.Type is AdqlType.Double or AdqlType.Real;
        for (int i = 0; i < columns.Count; i++)
        {
            if (Numeric(columns[i]) && columns[i].Ucd is { } u && u.Split(';').Contains(ucd, StringComparer.OrdinalIgnoreCase)
                && u.Contains("meta.main", StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        for (int i = 0; i < columns.Count; i++)
        {
            if (Numeric(columns[i]) && columns[i].Ucd is { } u && u.Split(';')[0].Equals(ucd, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        foreach (var candidate in names)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (Numeric(columns[i]) && columns[i].Name.Equals(candidate, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
        }
        return -1;
    }

    /// <summary>The source's rows with the HEALPix pixel of (ra, dec) appended.</summary>
    private sealed class HealpixRows(ITableSource source, int ra, int dec, int order, int width) : IRowSource
    {
        private readonly object?[] _values = new object?[width];

        public bool Read(object?[] values)
        {
            if (!source.Read(_values))
            {
                return false;
            }
            Array.Copy(_values, values, width);
            if (ra >= 0)
            {
                values[width] = _values[ra] is double r && _values[dec] is double d && double.IsFinite(r) && d is >= -90 and <= 90
                    ? Healpix.AngToPix(order, r, d)
                    : null;
            }
            return true;
        }
    }
}

/// <summary>An ingest that cannot proceed; the message says what to fix.</summary>
public sealed class IngestException(string message) : Exception(message);
