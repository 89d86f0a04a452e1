using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Tests.Adql;

/// <summary>The catalogue the ADQL tests query: demo.stars (HEALPix-indexed), demo.galaxies, demo.fields
/// (geometry columns), TAP_SCHEMA's tables and one upload table. SQL table names depend on the backend.</summary>
internal sealed class TestCatalog : ITableCatalog
{
    public const int StarsOrder = 8;
    public const int GalaxiesOrder = 6;

    private readonly List<TableInfo> _tables;

    public TestCatalog(Func<string, string, string> sqlTableName)
    {
        static ColumnInfo C(string name, AdqlType type, string? unit = null, string? ucd = null, string? sqlName = null, string? xtype = null) =>
            new(name, sqlName ?? name, type, unit, ucd, "the " + name, type is AdqlType.VarChar or AdqlType.Char ? "*" : null, xtype);

        _tables =
        [
            new TableInfo("demo", "stars", sqlTableName("demo", "stars"),
            [
                C("id", AdqlType.BigInt, ucd: "meta.id;meta.main"),
                C("ra", AdqlType.Double, "deg", "pos.eq.ra;meta.main", sqlName: "ra_deg"),
                C("dec", AdqlType.Double, "deg", "pos.eq.dec;meta.main", sqlName: "dec_deg"),
                C("gmag", AdqlType.Real, "mag", "phot.mag;em.opt.V"),
                C("rmag", AdqlType.Double, "mag", "phot.mag;em.opt.R"),
                C("bmag", AdqlType.Double, "mag", "phot.mag;em.opt.B"),
                C("pmra", AdqlType.Double, "mas/yr", "pos.pm;pos.eq.ra"),
                C("pmdec", AdqlType.Double, "mas/yr", "pos.pm;pos.eq.dec"),
                C("parallax", AdqlType.Double, "mas", "pos.parallax"),
                C("class", AdqlType.VarChar, ucd: "src.class", sqlName: "obj_class"),
                C("name", AdqlType.VarChar, ucd: "meta.id"),
                C("flags", AdqlType.Integer, ucd: "meta.code"),
                C("obs_time", AdqlType.Timestamp, ucd: "time.epoch", xtype: "timestamp"),
            ], new SpatialIndex("ra", "dec", "hpx", StarsOrder)),
            new TableInfo("demo", "galaxies", sqlTableName("demo", "galaxies"),
            [
                C("id", AdqlType.BigInt), C("ra", AdqlType.Double, "deg"), C("dec", AdqlType.Double, "deg"),
                C("redshift", AdqlType.Double), C("morph", AdqlType.VarChar), C("star_id", AdqlType.BigInt),
            ], new SpatialIndex("ra", "dec", "hpx", GalaxiesOrder)),
            new TableInfo("demo", "fields", sqlTableName("demo", "fields"),
            [
                C("field_id", AdqlType.Integer), C("name", AdqlType.VarChar),
                C("center", AdqlType.Point, "deg", xtype: "point"), C("footprint", AdqlType.Circle, "deg", xtype: "circle"),
                C("outline", AdqlType.Polygon, "deg", xtype: "polygon"),
            ]),
            new TableInfo("TAP_SCHEMA", "schemas", sqlTableName("TAP_SCHEMA", "schemas"),
            [
                C("schema_name", AdqlType.VarChar), C("description", AdqlType.VarChar), C("utype", AdqlType.VarChar),
                C("schema_index", AdqlType.Integer),
            ]),
            new TableInfo("TAP_SCHEMA", "tables", sqlTableName("TAP_SCHEMA", "tables"),
            [
                C("schema_name", AdqlType.VarChar), C("table_name", AdqlType.VarChar), C("table_type", AdqlType.VarChar),
                C("description", AdqlType.VarChar), C("utype", AdqlType.VarChar), C("table_index", AdqlType.Integer),
            ]),
            new TableInfo("TAP_SCHEMA", "columns", sqlTableName("TAP_SCHEMA", "columns"),
            [
                C("table_name", AdqlType.VarChar), C("column_name", AdqlType.VarChar), C("datatype", AdqlType.VarChar),
                C("arraysize", AdqlType.VarChar), C("xtype", AdqlType.VarChar), C("size", AdqlType.Integer, sqlName: "size"),
                C("description", AdqlType.VarChar), C("unit", AdqlType.VarChar), C("ucd", AdqlType.VarChar),
                C("utype", AdqlType.VarChar), C("principal", AdqlType.Integer), C("indexed", AdqlType.Integer),
                C("std", AdqlType.Integer), C("column_index", AdqlType.Integer),
            ]),
            new TableInfo("TAP_UPLOAD", "mine", sqlTableName("TAP_UPLOAD", "mine"),
            [
                C("id", AdqlType.BigInt), C("ra", AdqlType.Double, "deg", sqlName: "ra_deg"), C("dec", AdqlType.Double, "deg", sqlName: "dec_deg"),
            ]),
        ];
    }

    public IEnumerable<TableInfo> Tables => _tables;

    public TableInfo? FindTable(string? schema, string table) =>
        _tables.FirstOrDefault(t => string.Equals(t.Name, table, StringComparison.OrdinalIgnoreCase)
            && (schema is null || string.Equals(t.Schema, schema, StringComparison.OrdinalIgnoreCase)));

    /// <summary>SQLite: tables named schema_table in one database.</summary>
    public static TestCatalog ForSqlite() => new((schema, name) => SqlDialect.QuoteIdentifier(schema.ToLowerInvariant() + "_" + name));

    /// <summary>PostgreSQL: the same tables inside one (test-chosen) schema.</summary>
    public static TestCatalog ForPostgres(string pgSchema) =>
        new((schema, name) => SqlDialect.QuoteIdentifier(pgSchema) + "." + SqlDialect.QuoteIdentifier(schema.ToLowerInvariant() + "_" + name));
}
