using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Astrolabe.Fits;
using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;

namespace Astrolabe.Tap.Ingest;

/// <summary>Reads the first binary table extension (BINTABLE) of a FITS file row by row. The header is read
/// with Astrolabe.Fits; rows are decoded here from TFORMn (L, B, I, J, K, E, D, A with repeat counts),
/// honouring TSCALn/TZEROn, TNULLn, TUNITn, TUCDn and TCOMMn (or the TTYPEn card comment).</summary>
internal sealed partial class FitsTableSource : ITableSource
{
    private readonly FitsFile _fits;
    private readonly FileStream _data;
    private readonly FitsColumn[] _fields;
    private readonly byte[] _row;
    private readonly long _rows;
    private long _read;

    private sealed record FitsColumn(string Name, char Code, int Repeat, int Offset, double Scale, double Zero, long? Null, AdqlType Type);

    [GeneratedRegex(@"^\s*(\d*)([LXBIJKAEDCMPQ])", RegexOptions.IgnoreCase)]
    private static partial Regex TForm();

    public FitsTableSource(string path)
    {
        try
        {
            _fits = FitsFile.Open(path);
        }
        catch (FitsFormatException ex)
        {
            throw new TableFormatException($"{Path.GetFileName(path)}: {ex.Message}");
        }
        var hdu = _fits.Hdus.FirstOrDefault(h => h.ExtensionType == "BINTABLE");
        if (hdu is null)
        {
            _fits.Dispose();
            throw new TableFormatException($"{Path.GetFileName(path)} has no binary table extension (BINTABLE).");
        }
        var header = hdu.Header;
        int width = (int)header.GetLong("NAXIS1");
        _rows = header.GetLong("NAXIS2");
        int count = (int)header.GetLong("TFIELDS");
        var fields = new List<FitsColumn>();
        var columns = new List<PublishedColumn>();
        int offset = 0;
        for (int i = 1; i <= count; i++)
        {
            var form = header.GetString($"TFORM{i}", null) ?? throw new TableFormatException($"column {i} has no TFORM{i}.");
            var match = TForm().Match(form);
            if (!match.Success)
            {
                throw new TableFormatException($"column {i}: TFORM{i} = '{form}' is not a binary table format.");
            }
            int repeat = match.Groups[1].Value.Length == 0 ? 1 : int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            char code = char.ToUpperInvariant(match.Groups[2].Value[0]);
            int size = code switch
            {
                'L' or 'B' or 'A' => 1,
                'I' => 2,
                'J' or 'E' => 4,
                'K' or 'D' or 'C' or 'P' => 8,
                'M' or 'Q' => 16,
                'X' => 0,
                _ => 1,
            };
            int bytes = code == 'X' ? (repeat + 7) / 8 : repeat * size;
            var name = header.GetString($"TTYPE{i}", null)?.Trim() ?? $"col{i}";
            double scale = header.GetDouble($"TSCAL{i}", 1);
            double zero = header.GetDouble($"TZERO{i}", 0);
            long? nullValue = header.TryGetLong($"TNULL{i}", out long n) ? n : null;
            bool scaled = scale != 1 || zero != 0;
            AdqlType? type = (code, repeat) switch
            {
                ('A', _) => AdqlType.VarChar,
                ('L', 1) => AdqlType.Boolean,
                ('B', 1) when !scaled => AdqlType.SmallInt,
                ('I', 1) when !scaled => AdqlType.SmallInt,
                ('I', 1) when scale == 1 && zero == 32768 => AdqlType.Integer,
                ('J', 1) when !scaled => AdqlType.Integer,
                ('J', 1) when scale == 1 && zero == 2147483648 => AdqlType.BigInt,
                ('K', 1) when !scaled => AdqlType.BigInt,
                ('B' or 'I' or 'J' or 'K', 1) => AdqlType.Double,
                ('E', 1) => AdqlType.Real,
                ('D', 1) => AdqlType.Double,
                _ => null,
            };
            if (type is not null && repeat > 0)
            {
                fields.Add(new FitsColumn(name, code, repeat, offset, scale, zero, nullValue, type.Value));
                string? description = header.GetString($"TCOMM{i}", null) ?? header[$"TTYPE{i}"]?.Comment;
                columns.Add(new PublishedColumn(name, type.Value, header.GetString($"TUNIT{i}", null)?.Trim() is { Length: > 0 } u ? u : null,
                    header.GetString($"TUCD{i}", null)?.Trim(), string.IsNullOrWhiteSpace(description) ? null : description.Trim()));
            }
            // Arrays, bits, complex and variable-length columns have no ADQL column type: they are skipped.
            offset += bytes;
        }
        if (offset != width)
        {
            _fits.Dispose();
            throw new TableFormatException($"{Path.GetFileName(path)}: the TFORMs add up to {offset} bytes per row, but NAXIS1 = {width}.");
        }
        _fields = fields.ToArray();
        Columns = columns;
        Description = header.GetString("EXTNAME", null)?.Trim();
        _row = new byte[width];
        _data = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        _data.Seek(hdu.DataOffset, SeekOrigin.Begin);
        if (hdu.AvailableDataBytes < (long)width * _rows)
        {
            Dispose();
            throw new TableFormatException($"{Path.GetFileName(path)} is truncated: {_rows} rows of {width} bytes announced, {hdu.AvailableDataBytes} bytes present.");
        }
    }

    public IReadOnlyList<PublishedColumn> Columns { get; }

    public string? Description { get; }

    public double Fraction => _rows == 0 ? 1 : (double)_read / _rows;

    public bool Read(object?[] values)
    {
        if (_read >= _rows)
        {
            return false;
        }
        _data.ReadExactly(_row);
        _read++;
        for (int i = 0; i < _fields.Length; i++)
        {
            values[i] = Decode(_fields[i], _row.AsSpan(_fields[i].Offset));
        }
        return true;
    }

    private static object? Decode(FitsColumn c, ReadOnlySpan<byte> bytes)
    {
        switch (c.Code)
        {
            case 'A':
                var text = Encoding.ASCII.GetString(bytes[..c.Repeat]);
                int end = text.IndexOf('\0');
                text = (end >= 0 ? text[..end] : text).TrimEnd();
                return text.Length == 0 ? null : text;
            case 'L':
                return bytes[0] switch { (byte)'T' => true, (byte)'F' => false, _ => null };
            case 'E':
                float f = BinaryPrimitives.ReadSingleBigEndian(bytes);
                return float.IsNaN(f) ? null : (double)f * c.Scale + c.Zero;
            case 'D':
                double d = BinaryPrimitives.ReadDoubleBigEndian(bytes);
                return double.IsNaN(d) ? null : d * c.Scale + c.Zero;
        }
        long raw = c.Code switch
        {
            'B' => bytes[0],
            'I' => BinaryPrimitives.ReadInt16BigEndian(bytes),
            'J' => BinaryPrimitives.ReadInt32BigEndian(bytes),
            _ => BinaryPrimitives.ReadInt64BigEndian(bytes),
        };
        if (c.Null == raw)
        {
            return null;
        }
        if (c.Type == AdqlType.Double)
        {
            return raw * c.Scale + c.Zero;
        }
        return raw + (long)c.Zero;
    }

    public void Dispose()
    {
        _data?.Dispose();
        _fits.Dispose();
    }
}
