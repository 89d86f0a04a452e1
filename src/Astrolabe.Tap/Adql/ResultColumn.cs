namespace Astrolabe.Tap.Adql;

/// <summary>One column of a translated query's result, with what a VOTable FIELD needs.</summary>
/// <param name="Name">The output column name (alias, column name, or a generated name for expressions).</param>
/// <param name="Datatype">VOTable datatype: "boolean", "short", "int", "long", "float", "double", "char",
/// "unsignedByte".</param>
/// <param name="Arraysize">VOTable arraysize ("*" for strings and geometries), null for scalars.</param>
/// <param name="Xtype">"point", "circle", "polygon", "timestamp", or null.</param>
public sealed record ResultColumn(
    string Name,
    AdqlType Type,
    string Datatype,
    string? Arraysize,
    string? Unit,
    string? Ucd,
    string? Xtype,
    string? Description = null);
