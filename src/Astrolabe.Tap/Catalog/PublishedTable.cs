using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Catalog;

/// <summary>A table as TAP_SCHEMA describes it, with where it lives in the backend.</summary>
internal sealed record PublishedTable(
    string Schema,
    string Name,
    string SqlName,
    string? Description,
    IReadOnlyList<PublishedColumn> Columns,
    SpatialIndex? Spatial = null,
    string TableType = "table")
{
    /// <summary>Foreign keys from this table (TAP_SCHEMA.keys).</summary>
    public IReadOnlyList<PublishedKey> Keys { get; init; } = [];

    /// <summary>The qualified name TAP_SCHEMA.tables.table_name holds, e.g. "demo.objects".</summary>
    public string QualifiedName => $"{Schema}.{Name}";

    public TableInfo ToTableInfo() => new(
        Schema,
        Name,
        SqlName,
        Columns.Select(c => new ColumnInfo(c.Name, c.Name, c.Type, c.Unit, c.Ucd, c.Description,
            c.Type is AdqlType.Char or AdqlType.VarChar or AdqlType.Clob or AdqlType.Timestamp ? c.Arraysize : null,
            c.Xtype)).ToList(),
        Spatial);
}

/// <summary>A foreign key as TAP_SCHEMA.keys and key_columns describe it.</summary>
internal sealed record PublishedKey(string FromTable, string TargetTable, string? Description, List<(string From, string Target)> Columns);

/// <summary>A column as TAP_SCHEMA.columns describes it. Its SQL name is its ADQL name.</summary>
internal sealed record PublishedColumn(
    string Name,
    AdqlType Type,
    string? Unit = null,
    string? Ucd = null,
    string? Description = null,
    bool Principal = false,
    bool Indexed = false,
    bool Std = false,
    string? Utype = null)
{
    /// <summary>The name as TAP_SCHEMA.columns and /tables give it: delimited ("size") when it is an ADQL
    /// reserved word, so clients can paste it into a query.</summary>
    public string DelimitedName => ReservedWords.Contains(Name.ToUpperInvariant()) ? $"\"{Name}\"" : Name;

    /// <summary>The VOTable datatype TAP 1.1 puts in TAP_SCHEMA.columns.datatype.</summary>
    public string Datatype => VoTypes.Datatype(Type);

    public string? Arraysize => VoTypes.Arraysize(Type);

    public string? Xtype => VoTypes.Xtype(Type);
}

/// <summary>How ADQL types are declared in VOTable and TAP_SCHEMA (TAP 1.1 §4.3, DALI xtypes).</summary>
internal static class VoTypes
{
    public static string Datatype(AdqlType type) => type switch
    {
        AdqlType.Boolean => "boolean",
        AdqlType.SmallInt => "short",
        AdqlType.Integer => "int",
        AdqlType.BigInt => "long",
        AdqlType.Real => "float",
        AdqlType.Double or AdqlType.Point or AdqlType.Circle or AdqlType.Polygon => "double",
        AdqlType.Binary or AdqlType.VarBinary or AdqlType.Blob => "unsignedByte",
        _ => "char",
    };

    public static string? Arraysize(AdqlType type) => type switch
    {
        AdqlType.Point => "2",
        AdqlType.Circle => "3",
        AdqlType.Char or AdqlType.VarChar or AdqlType.Clob or AdqlType.Timestamp or AdqlType.Polygon
            or AdqlType.Region or AdqlType.Binary or AdqlType.VarBinary or AdqlType.Blob or AdqlType.Unknown => "*",
        _ => null,
    };

    public static string? Xtype(AdqlType type) => type switch
    {
        AdqlType.Point => "point",
        AdqlType.Circle => "circle",
        AdqlType.Polygon => "polygon",
        AdqlType.Timestamp => "timestamp",
        _ => null,
    };

    /// <summary>The ADQL type of a VOTable datatype/xtype pair (for uploads and ingested VOTables).</summary>
    public static AdqlType FromVoTable(string? datatype, string? arraysize, string? xtype)
    {
        switch (xtype?.ToLowerInvariant())
        {
            case "point": return AdqlType.Point;
            case "circle": return AdqlType.Circle;
            case "polygon": return AdqlType.Polygon;
            case "timestamp" or "adql:timestamp": return AdqlType.Timestamp;
        }
        bool isArray = !string.IsNullOrEmpty(arraysize) && arraysize != "1";
        return datatype switch
        {
            "boolean" when !isArray => AdqlType.Boolean,
            "short" or "unsignedByte" when !isArray => AdqlType.SmallInt,
            "int" when !isArray => AdqlType.Integer,
            "long" when !isArray => AdqlType.BigInt,
            "float" when !isArray => AdqlType.Real,
            "double" when !isArray => AdqlType.Double,
            "unsignedByte" => AdqlType.VarBinary,
            _ => AdqlType.VarChar,
        };
    }
}
