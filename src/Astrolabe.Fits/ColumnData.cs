namespace Astrolabe.Fits;

/// <summary>
/// A column to write into a table HDU: a name and its values. The FITS type follows the array's element type
/// (bool → L, byte → B, sbyte → B with TZERO −128, short → I, ushort → I with TZERO 32768, int → J, uint → J with
/// TZERO 2³¹, long → K, ulong → K with TZERO 2⁶³, float → E, double → D, Complex → M, string → A, and an array
/// of arrays → a variable-length P column). For fixed-size array columns, <see cref="Repeat"/> values per row
/// are laid out row after row.
/// </summary>
public sealed record ColumnData(string Name, Array Values)
{
    /// <summary>Values per row (fixed-size array columns).</summary>
    public int Repeat { get; init; } = 1;

    public string? Unit { get; init; }

    /// <summary>TUCDn, a UCD for the column (e.g. "pos.eq.ra;meta.main").</summary>
    public string? Ucd { get; init; }

    /// <summary>TDIMn, fastest-varying first; the product must equal <see cref="Repeat"/>.</summary>
    public int[]? Dimensions { get; init; }

    /// <summary>Store a bool[] as packed bits (X) instead of logicals (L).</summary>
    public bool AsBits { get; init; }

    /// <summary>Characters per string (A columns); default: the longest value, at least 1.</summary>
    public int? StringWidth { get; init; }

    /// <summary>TNULLn for integer columns.</summary>
    public long? Null { get; init; }

    /// <summary>TDISPn display format, e.g. "F10.4".</summary>
    public string? Display { get; init; }

    /// <summary>Number of rows these values make.</summary>
    public int RowCount => Values is string[] or Array[]? Values.Length : Values.Length / Math.Max(Repeat, 1);
}
