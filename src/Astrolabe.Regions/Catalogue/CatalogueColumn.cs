namespace Astrolabe.Regions.Catalogue;

/// <summary>The value type of a catalogue column, as VOTable names it.</summary>
public enum ColumnType
{
    Char,
    Int,
    Double,
}

/// <summary>One column of the RoI catalogue: its name, type, unit (VOUnit), UCD and description, and how to read it from a row.</summary>
public sealed class CatalogueColumn
{
    private readonly Func<RegionOfInterest, double>? _double;
    private readonly Func<RegionOfInterest, int>? _int;
    private readonly Func<RegionOfInterest, string>? _text;

    private CatalogueColumn(string name, ColumnType type, string unit, string ucd, string description,
        Func<RegionOfInterest, double>? asDouble, Func<RegionOfInterest, int>? asInt, Func<RegionOfInterest, string>? asText)
    {
        Name = name;
        Type = type;
        Unit = unit;
        Ucd = ucd;
        Description = description;
        _double = asDouble;
        _int = asInt;
        _text = asText;
    }

    public string Name { get; }
    public ColumnType Type { get; }

    /// <summary>Unit in VOUnit syntax; "" for dimensionless or text columns.</summary>
    public string Unit { get; }
    public string Ucd { get; }
    public string Description { get; }

    public double Double(RegionOfInterest row) => _double!(row);
    public int Int(RegionOfInterest row) => _int!(row);
    public string Text(RegionOfInterest row) => _text!(row);

    public CatalogueColumn WithUnit(string unit) => new(Name, Type, unit, Ucd, Description, _double, _int, _text);

    public static CatalogueColumn Real(string name, string unit, string ucd, string description, Func<RegionOfInterest, double> get) =>
        new(name, ColumnType.Double, unit, ucd, description, get, null, null);

    public static CatalogueColumn Integer(string name, string unit, string ucd, string description, Func<RegionOfInterest, int> get) =>
        new(name, ColumnType.Int, unit, ucd, description, null, get, null);

    public static CatalogueColumn String(string name, string ucd, string description, Func<RegionOfInterest, string> get) =>
        new(name, ColumnType.Char, "", ucd, description, null, null, get);
}
