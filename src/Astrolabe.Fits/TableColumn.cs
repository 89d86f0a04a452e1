using System.Globalization;

namespace Astrolabe.Fits;

/// <summary>A column of a BINTABLE or ASCII TABLE extension, as its TFORMn/TTYPEn/TUNITn/... keywords describe it.</summary>
public sealed class TableColumn
{
    internal TableColumn(int index, Header header, bool ascii)
    {
        Index = index;
        var n = index + 1;
        Format = (header.GetString($"TFORM{n}", null) ?? throw new FitsFormatException($"TFORM{n} is missing",
            header.ByteOffset >= 0 ? header.ByteOffset : null, keyword: $"TFORM{n}")).Trim();
        Name = header.GetString($"TTYPE{n}", null)?.Trim() ?? $"col{n}";
        Unit = header.GetString($"TUNIT{n}", null)?.Trim();
        Display = header.GetString($"TDISP{n}", null)?.Trim();
        Ucd = header.GetString($"TUCD{n}", null)?.Trim();
        Scale = header.GetDouble($"TSCAL{n}", 1.0);
        Zero = header.GetDouble($"TZERO{n}", 0.0);
        var nullCard = header.Find($"TNULL{n}");
        if (nullCard is not null)
        {
            if (nullCard.TryGetLong(out var nullValue)) Null = nullValue;
            NullText = nullCard.ValueText;
        }
        if (header.GetString($"TDIM{n}", null) is { } tdim)
        {
            var parts = tdim.Trim().Trim('(', ')').Split(',');
            var dims = new int[parts.Length];
            for (var i = 0; i < parts.Length; i++)
                if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
                    throw new FitsFormatException($"TDIM{n} = '{tdim}' is not a list of dimensions", CardOffset(header, $"TDIM{n}"),
                        header.Find($"TDIM{n}")?.Number, $"TDIM{n}");
            Dimensions = dims;
        }

        if (ascii) ParseAsciiFormat(header, n);
        else ParseBinaryFormat(n, header);
    }

    /// <summary>The element description of one variable-length array (type letter and count) of a P/Q column.</summary>
    internal TableColumn(TableColumn parent, char elementType, int count)
    {
        Index = parent.Index;
        Name = parent.Name;
        Format = $"{count}{elementType}";
        Unit = parent.Unit;
        Scale = parent.Scale;
        Zero = parent.Zero;
        Null = parent.Null;
        Type = elementType;
        Repeat = count;
        Width = elementType == 'X' ? (count + 7) / 8 : count * ElementSize(elementType);
    }

    public int Index { get; }

    /// <summary>TTYPEn (or "colN" when absent).</summary>
    public string Name { get; }

    /// <summary>TFORMn as written.</summary>
    public string Format { get; }

    /// <summary>Type letter: L X B I J K A E D C M P Q for binary tables; A I F E D for ASCII tables.</summary>
    public char Type { get; private set; }

    /// <summary>Elements per row (characters for A; bits for X; 1 for variable-length descriptors and ASCII columns).</summary>
    public long Repeat { get; private set; } = 1;

    /// <summary>For variable-length (P/Q) columns: the element type letter; otherwise null.</summary>
    public char? ElementType { get; private set; }

    public string? Unit { get; }
    public string? Display { get; }
    public string? Ucd { get; }
    public double Scale { get; }
    public double Zero { get; }

    /// <summary>TNULLn as an integer, or null.</summary>
    public long? Null { get; }

    /// <summary>TNULLn as written (for ASCII tables it is a string).</summary>
    public string? NullText { get; }

    /// <summary>TDIMn, fastest-varying first, or null.</summary>
    public int[]? Dimensions { get; }

    /// <summary>Byte offset within the row (binary), or 0-based character position (ASCII, from TBCOLn).</summary>
    public int Offset { get; internal set; }

    /// <summary>Bytes in the row (binary) or field width in characters (ASCII).</summary>
    public int Width { get; private set; }

    /// <summary>Decimal places of an ASCII F/E/D field.</summary>
    public int Decimals { get; private set; }

    public bool IsScaled => Scale != 1.0 || Zero != 0.0;

    public bool IsVariableLength => Type is 'P' or 'Q';

    private void ParseBinaryFormat(int n, Header header)
    {
        var f = Format;
        var i = 0;
        while (i < f.Length && char.IsAsciiDigit(f[i])) i++;
        var repeat = 1L;
        if (i > 0 && !long.TryParse(f.AsSpan(0, i), NumberStyles.None, CultureInfo.InvariantCulture, out repeat)) throw Bad(n, header);
        Repeat = repeat;
        if (i >= f.Length || Repeat > int.MaxValue) throw Bad(n, header);
        Type = char.ToUpperInvariant(f[i]);
        if (Type is 'P' or 'Q')
        {
            if (i + 1 >= f.Length) throw Bad(n, header);
            ElementType = char.ToUpperInvariant(f[i + 1]);
            if (ElementSize(ElementType.Value) < 0) throw Bad(n, header);
            Width = Type == 'P' ? 8 : 16;
            if (Repeat > 1) throw Bad(n, header);
            return;
        }
        var size = ElementSize(Type);
        if (size < 0) throw Bad(n, header);
        Width = Type == 'X' ? (int)((Repeat + 7) / 8) : checked((int)(Repeat * size));
    }

    private FitsFormatException Bad(int n, Header header) =>
        new($"TFORM{n} = '{Format}' is not a valid format", CardOffset(header, $"TFORM{n}"), header.Find($"TFORM{n}")?.Number, $"TFORM{n}");

    private static long? CardOffset(Header header, string keyword) =>
        header.ByteOffset >= 0 && header.Find(keyword) is { Number: > 0 } c ? header.ByteOffset + 80L * (c.Number - 1) : null;

    /// <summary>Bytes per element of a binary type letter (X counts as 0: bits), or -1 if unknown.</summary>
    internal static int ElementSize(char type) => type switch
    {
        'L' or 'B' or 'A' => 1,
        'X' => 0,
        'I' => 2,
        'J' or 'E' => 4,
        'K' or 'D' or 'C' or 'P' => 8,
        'M' or 'Q' => 16,
        _ => -1,
    };

    private void ParseAsciiFormat(Header header, int n)
    {
        var f = Format.Trim();
        if (f.Length < 2) throw Bad(n, header);
        Type = char.ToUpperInvariant(f[0]);
        var rest = f[1..];
        var dot = rest.IndexOf('.');
        if (!int.TryParse(dot < 0 ? rest : rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var width) || width <= 0)
            throw Bad(n, header);
        Width = width;
        if (dot >= 0 && int.TryParse(rest[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var decimals)) Decimals = decimals;
        if (Type is not ('A' or 'I' or 'F' or 'E' or 'D')) throw Bad(n, header);
        var tbcol = header.GetLong($"TBCOL{n}");
        Offset = checked((int)tbcol - 1);
    }

    public override string ToString() => $"{Name} ({Format}{(Unit is null ? "" : ", " + Unit)})";
}
