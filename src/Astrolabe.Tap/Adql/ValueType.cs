namespace Astrolabe.Tap.Adql;

/// <summary>The type of a translated value, with the column metadata that flows to the result.</summary>
internal sealed record ValueType(
    AdqlType Type,
    string? Unit = null,
    string? Ucd = null,
    string? Description = null,
    string? Arraysize = null)
{
    public static readonly ValueType Unknown = new(AdqlType.Unknown);
    public static readonly ValueType Double = new(AdqlType.Double);
    public static readonly ValueType BigInt = new(AdqlType.BigInt);
    public static readonly ValueType VarChar = new(AdqlType.VarChar);
    public static readonly ValueType Point = new(AdqlType.Point);
    public static readonly ValueType Circle = new(AdqlType.Circle);
    public static readonly ValueType Polygon = new(AdqlType.Polygon);

    public bool IsUnknown => Type == AdqlType.Unknown;

    public bool IsNumeric => Type is AdqlType.SmallInt or AdqlType.Integer or AdqlType.BigInt or AdqlType.Real or AdqlType.Double
        or AdqlType.Unknown;

    public bool IsInteger => Type is AdqlType.SmallInt or AdqlType.Integer or AdqlType.BigInt or AdqlType.Unknown;

    public bool IsFloating => Type is AdqlType.Real or AdqlType.Double;

    public bool IsString => Type is AdqlType.Char or AdqlType.VarChar or AdqlType.Clob or AdqlType.Unknown;

    public bool IsGeometry => Type is AdqlType.Point or AdqlType.Circle or AdqlType.Polygon or AdqlType.Region or AdqlType.Unknown;

    public string Describe() => Type switch
    {
        AdqlType.Unknown => "NULL",
        AdqlType.Double => "DOUBLE PRECISION",
        _ => Type.ToString().ToUpperInvariant(),
    };

    public static ValueType From(ColumnInfo c) => new(c.Type, c.Unit, c.Ucd, c.Description, c.Arraysize);

    public ResultColumn ToResult(string name)
    {
        var (datatype, arraysize, xtype) = Type switch
        {
            AdqlType.Boolean => ("boolean", null, null),
            AdqlType.SmallInt => ("short", null, null),
            AdqlType.Integer => ("int", null, null),
            AdqlType.BigInt => ("long", null, null),
            AdqlType.Real => ("float", null, null),
            AdqlType.Double => ("double", null, null),
            AdqlType.Char => ("char", Arraysize ?? "*", null),
            AdqlType.VarChar or AdqlType.Clob => ("char", Arraysize ?? "*", null),
            AdqlType.Timestamp => ("char", "*", "timestamp"),
            AdqlType.Binary or AdqlType.VarBinary or AdqlType.Blob => ("unsignedByte", Arraysize ?? "*", null),
            AdqlType.Point => ("double", "2", "point"),
            AdqlType.Circle => ("double", "3", "circle"),
            AdqlType.Polygon => ("double", "*", "polygon"),
            AdqlType.Region => ("char", "*", null),
            _ => ("char", "*", (string?)null),
        };
        return new ResultColumn(name, Type, datatype, arraysize, Unit, Ucd, xtype, Description);
    }
}
