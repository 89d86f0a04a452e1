namespace Astrolabe.Tap.Adql;

/// <summary>A published table.</summary>
/// <param name="Schema">ADQL schema name, e.g. "ivoa" or "TAP_UPLOAD".</param>
/// <param name="Name">ADQL table name without the schema.</param>
/// <param name="SqlName">A complete, already quoted SQL reference to the table in the backend (e.g.
/// <c>"ivoa"."obscore"</c>). It comes from the operator's catalogue, never from the user, and is inserted as is.</param>
/// <param name="Columns">The published columns.</param>
/// <param name="Spatial">The HEALPix index of the table, if it has one; cone searches then use it.</param>
public sealed record TableInfo(
    string Schema,
    string Name,
    string SqlName,
    IReadOnlyList<ColumnInfo> Columns,
    SpatialIndex? Spatial = null);

/// <summary>A published column.</summary>
/// <param name="Name">ADQL column name.</param>
/// <param name="SqlName">The bare column name in the backend; the translator quotes it.</param>
/// <param name="Type">ADQL type.</param>
/// <param name="Arraysize">VOTable arraysize (e.g. "*", "16*") for strings; null for scalars.</param>
/// <param name="Xtype">VOTable/DALI xtype ("point", "circle", "polygon", "timestamp"), if any; geometry
/// columns are stored as DALI text (see <see cref="GeometryText"/>).</param>
public sealed record ColumnInfo(
    string Name,
    string SqlName,
    AdqlType Type,
    string? Unit = null,
    string? Ucd = null,
    string? Description = null,
    string? Arraysize = null,
    string? Xtype = null);

/// <summary>A NESTED HEALPix index column computed at ingest from a table's position columns.</summary>
/// <param name="RaColumn">ADQL name of the right ascension column (degrees).</param>
/// <param name="DecColumn">ADQL name of the declination column (degrees).</param>
/// <param name="HealpixColumn">Bare SQL name of the (indexed, integer) HEALPix column; it need not be published.</param>
/// <param name="Order">HEALPix order (nside = 2^order), 0..29.</param>
public sealed record SpatialIndex(string RaColumn, string DecColumn, string HealpixColumn, int Order);
