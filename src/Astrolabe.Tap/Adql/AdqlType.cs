namespace Astrolabe.Tap.Adql;

/// <summary>The ADQL 2.1 data types (§2.5), plus Unknown for an untyped NULL.</summary>
public enum AdqlType
{
    Unknown,
    Boolean,
    SmallInt,
    Integer,
    BigInt,
    Real,
    Double,
    Char,
    VarChar,
    Clob,
    Timestamp,
    Binary,
    VarBinary,
    Blob,
    Point,
    Circle,
    Polygon,
    Region,
}
