using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Astrolabe.Fits;

public sealed partial class FitsWriter
{
    /// <summary>Writes a BINTABLE extension (after an empty primary HDU if none was written yet).</summary>
    public void WriteBinaryTable(IReadOnlyList<ColumnData> columns, Header? cards = null)
    {
        if (HduCount == 0) WriteEmptyPrimary();
        var rows = columns.Count == 0 ? 0 : columns[0].RowCount;
        var layout = new List<(ColumnData Data, char Type, int Width, long Repeat, char? Element)>();
        foreach (var column in columns)
        {
            if (column.RowCount != rows)
                throw new ArgumentException($"Column {column.Name} has {column.RowCount} rows; the first column has {rows}.");
            layout.Add(Describe(column));
        }

        // The heap (variable-length arrays) is built first: PCOUNT goes in the header.
        var heap = new MemoryStream();
        var descriptors = new Dictionary<int, (int Count, int Offset)[]>();
        for (var c = 0; c < layout.Count; c++)
        {
            if (layout[c].Type != 'P') continue;
            var jagged = (Array[])layout[c].Data.Values;
            var entries = new (int, int)[rows];
            for (var r = 0; r < rows; r++)
            {
                var element = jagged[r];
                var offset = checked((int)heap.Length);
                var count = element?.Length ?? 0;
                if (element is not null)
                {
                    var bytes = new byte[ElementBytes(layout[c].Element!.Value, count)];
                    EncodeValues(element, layout[c].Element!.Value, bytes, 0, count);
                    heap.Write(bytes);
                }
                entries[r] = (count, offset);
            }
            descriptors[c] = entries;
        }

        var rowLength = layout.Sum(l => l.Width);
        var header = new Header();
        header.Add(Card.FromValue("XTENSION", "BINTABLE", "binary table extension"));
        header.Add(Card.FromValue("BITPIX", 8L));
        header.Add(Card.FromValue("NAXIS", 2L));
        header.Add(Card.FromValue("NAXIS1", (long)rowLength, "bytes per row"));
        header.Add(Card.FromValue("NAXIS2", (long)rows, "rows"));
        header.Add(Card.FromValue("PCOUNT", heap.Length, "heap size"));
        header.Add(Card.FromValue("GCOUNT", 1L));
        header.Add(Card.FromValue("TFIELDS", (long)layout.Count));
        for (var c = 0; c < layout.Count; c++)
        {
            var (data, type, _, repeat, element) = layout[c];
            var n = c + 1;
            header.Add(Card.FromValue($"TTYPE{n}", data.Name));
            var tform = type == 'P'
                ? $"1P{element}({MaxLength((Array[])data.Values)})"
                : $"{repeat}{type}";
            header.Add(Card.FromValue($"TFORM{n}", tform));
            if (data.Unit is not null) header.Add(Card.FromValue($"TUNIT{n}", data.Unit));
            if (data.Ucd is not null) header.Add(Card.FromValue($"TUCD{n}", data.Ucd));
            if (data.Display is not null) header.Add(Card.FromValue($"TDISP{n}", data.Display));
            if (data.Null is { } nul) header.Add(Card.FromValue($"TNULL{n}", nul));
            if (data.Dimensions is { } dims)
            {
                if (dims.Aggregate(1L, (a, d) => a * d) != repeat)
                    throw new ArgumentException($"Column {data.Name}: TDIM {string.Join(',', dims)} does not hold {repeat} values.");
                header.Add(Card.FromValue($"TDIM{n}", "(" + string.Join(",", dims) + ")"));
            }
            var zero = ZeroFor(type == 'P' ? ((Array[])data.Values).First(a => a is not null) : data.Values);
            if (zero is not null) header.Add(new Card($"TZERO{n}", CardValueKind.Integer, zero, "unsigned convention"));
        }
        AppendCallerCards(header, cards, table: true);
        StartHdu(header, NoOpen.Instance);

        var buffer = new byte[Math.Max(rowLength, 1) * Math.Max(1, Math.Min(rows, (1 << 20) / Math.Max(rowLength, 1)))];
        var rowsPerChunk = buffer.Length / Math.Max(rowLength, 1);
        for (var done = 0; done < rows; done += rowsPerChunk)
        {
            var n = Math.Min(rowsPerChunk, rows - done);
            Array.Clear(buffer);
            for (var r = 0; r < n; r++)
            {
                var offset = r * rowLength;
                for (var c = 0; c < layout.Count; c++)
                {
                    var (data, type, width, repeat, element) = layout[c];
                    var field = buffer.AsSpan(offset, width);
                    var row = done + r;
                    switch (type)
                    {
                        case 'A':
                            var text = ((string[])data.Values)[row] ?? "";
                            var bytes = Encoding.Latin1.GetBytes(text);
                            if (bytes.Length > width) throw new ArgumentException($"Column {data.Name} row {row}: '{text}' is longer than {width} characters.");
                            field.Fill((byte)' ');
                            bytes.CopyTo(field);
                            break;
                        case 'X':
                            var bits = (bool[])data.Values;
                            for (var i = 0; i < repeat; i++)
                                if (bits[row * repeat + i]) field[i >> 3] |= (byte)(0x80 >> (i & 7));
                            break;
                        case 'P':
                            var (count, heapOffset) = descriptors[c][row];
                            BinaryPrimitives.WriteInt32BigEndian(field, count);
                            BinaryPrimitives.WriteInt32BigEndian(field[4..], heapOffset);
                            break;
                        default:
                            EncodeValues(data.Values, type, field, (int)(row * repeat), (int)repeat);
                            break;
                    }
                    offset += width;
                }
            }
            WriteData(buffer.AsSpan(0, n * rowLength));
        }
        heap.Position = 0;
        WriteData(heap.GetBuffer().AsSpan(0, (int)heap.Length));
        EndHdu((long)rowLength * rows + heap.Length);
    }

    private static int MaxLength(Array[] jagged)
    {
        var max = 0;
        foreach (var a in jagged) max = Math.Max(max, a?.Length ?? 0);
        return max;
    }

    private static (ColumnData, char, int, long, char?) Describe(ColumnData column)
    {
        if (column.Values is string[] strings)
        {
            var width = column.StringWidth ?? Math.Max(1, strings.Max(s => s is null ? 0 : Encoding.Latin1.GetByteCount(s)));
            return (column, 'A', width, width, 'A');
        }
        if (column.Values is Array[] jagged)
        {
            var first = jagged.FirstOrDefault(a => a is not null)
                ?? throw new ArgumentException($"Column {column.Name}: a variable-length column needs at least one array to know its type.");
            return (column, 'P', 8, 1, TypeLetter(first, column.Name));
        }
        var type = column.AsBits && column.Values is bool[]? 'X' : TypeLetter(column.Values, column.Name);
        long repeat = column.Repeat;
        var size = type == 'X' ? 0 : TableColumn.ElementSize(type);
        var bytes = type == 'X' ? (int)((repeat + 7) / 8) : checked((int)(repeat * size));
        if (column.Values.Length % Math.Max(column.Repeat, 1) != 0)
            throw new ArgumentException($"Column {column.Name}: {column.Values.Length} values is not a whole number of rows of {column.Repeat}.");
        return (column, type, bytes, repeat, type);
    }

    private static char TypeLetter(Array values, string name) => Type.GetTypeCode(values.GetType().GetElementType()) switch
    {
        TypeCode.Boolean => 'L',
        TypeCode.Byte or TypeCode.SByte => 'B',
        TypeCode.Int16 or TypeCode.UInt16 => 'I',
        TypeCode.Int32 or TypeCode.UInt32 => 'J',
        TypeCode.Int64 or TypeCode.UInt64 => 'K',
        TypeCode.Single => 'E',
        TypeCode.Double => 'D',
        _ when values is Complex[] => 'M',
        _ => throw new ArgumentException($"Column {name}: values of type {values.GetType().Name} cannot be written to a FITS table."),
    };

    // Exact element types: the runtime lets a byte[] pass as an sbyte[] (and so on), so no array patterns here.
    private static string? ZeroFor(Array values) => Type.GetTypeCode(values.GetType().GetElementType()) switch
    {
        TypeCode.SByte => "-128",
        TypeCode.UInt16 => "32768",
        TypeCode.UInt32 => "2147483648",
        TypeCode.UInt64 => "9223372036854775808",
        _ => null,
    };

    private static int ElementBytes(char type, int count) => type == 'X' ? (count + 7) / 8 : count * TableColumn.ElementSize(type);

    private static void EncodeValues(Array values, char type, Span<byte> field, int start, int count)
    {
        switch (Type.GetTypeCode(values.GetType().GetElementType()))
        {
            case TypeCode.Boolean: var l = (bool[])values; for (var i = 0; i < count; i++) field[i] = l[start + i] ? (byte)'T' : (byte)'F'; break;
            case TypeCode.Byte: ((byte[])values).AsSpan(start, count).CopyTo(field); break;
            case TypeCode.SByte: var sb = (sbyte[])values; for (var i = 0; i < count; i++) field[i] = (byte)(sb[start + i] ^ unchecked((sbyte)0x80)); break;
            case TypeCode.Int16: var s = (short[])values; for (var i = 0; i < count; i++) BinaryPrimitives.WriteInt16BigEndian(field[(2 * i)..], s[start + i]); break;
            case TypeCode.UInt16: var us = (ushort[])values; for (var i = 0; i < count; i++) BinaryPrimitives.WriteUInt16BigEndian(field[(2 * i)..], (ushort)(us[start + i] ^ 0x8000)); break;
            case TypeCode.Int32: var j = (int[])values; for (var i = 0; i < count; i++) BinaryPrimitives.WriteInt32BigEndian(field[(4 * i)..], j[start + i]); break;
            case TypeCode.UInt32: var uj = (uint[])values; for (var i = 0; i < count; i++) BinaryPrimitives.WriteUInt32BigEndian(field[(4 * i)..], uj[start + i] ^ 0x80000000u); break;
            case TypeCode.Int64: var k = (long[])values; for (var i = 0; i < count; i++) BinaryPrimitives.WriteInt64BigEndian(field[(8 * i)..], k[start + i]); break;
            case TypeCode.UInt64: var uk = (ulong[])values; for (var i = 0; i < count; i++) BinaryPrimitives.WriteUInt64BigEndian(field[(8 * i)..], uk[start + i] ^ 0x8000000000000000ul); break;
            case TypeCode.Single: var e = (float[])values; for (var i = 0; i < count; i++) BinaryPrimitives.WriteSingleBigEndian(field[(4 * i)..], e[start + i]); break;
            case TypeCode.Double: var d = (double[])values; for (var i = 0; i < count; i++) BinaryPrimitives.WriteDoubleBigEndian(field[(8 * i)..], d[start + i]); break;
            case TypeCode.Object when values is Complex[] m:
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteDoubleBigEndian(field[(16 * i)..], m[start + i].Real);
                    BinaryPrimitives.WriteDoubleBigEndian(field[(16 * i + 8)..], m[start + i].Imaginary);
                }
                break;
            default: throw new ArgumentException($"Cannot encode {values.GetType().Name} as {type}.");
        }
    }

    /// <summary>
    /// Writes an ASCII TABLE extension: string[] → Aw, int[]/long[] → Iw, float[]/double[] → E or D with full
    /// precision. NaN cannot be written (ASCII tables have no NaN).
    /// </summary>
    public void WriteAsciiTable(IReadOnlyList<ColumnData> columns, Header? cards = null)
    {
        if (HduCount == 0) WriteEmptyPrimary();
        var rows = columns.Count == 0 ? 0 : columns[0].Values.Length;
        var formatted = new List<(ColumnData Data, string Tform, int Width, string[] Fields)>();
        foreach (var column in columns)
        {
            if (column.Values.Length != rows) throw new ArgumentException($"Column {column.Name} has {column.Values.Length} rows; the first has {rows}.");
            string[] fields;
            string tform;
            switch (column.Values)
            {
                case string[] s:
                    fields = s.Select(v => v ?? "").ToArray();
                    var w = column.StringWidth ?? Math.Max(1, fields.Max(f => f.Length));
                    tform = $"A{w}";
                    fields = fields.Select(f => f.Length <= w ? f.PadRight(w) : throw new ArgumentException($"Column {column.Name}: '{f}' is longer than {w}.")).ToArray();
                    break;
                case int[] or long[] or short[]:
                    fields = column.Values.Cast<object>().Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)).ToArray();
                    var iw = Math.Max(1, fields.Max(f => f.Length));
                    tform = $"I{iw}";
                    fields = fields.Select(f => f.PadLeft(iw)).ToArray();
                    break;
                case float[] or double[]:
                    var isDouble = column.Values is double[];
                    fields = column.Values.Cast<object>().Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).Select(d =>
                        double.IsFinite(d) ? d.ToString(isDouble ? "E16" : "E8", CultureInfo.InvariantCulture)
                            : throw new ArgumentException($"Column {column.Name}: {d} cannot be written to an ASCII table.")).ToArray();
                    var ew = Math.Max(1, fields.Max(f => f.Length));
                    tform = isDouble ? $"D{ew}.16" : $"E{ew}.8";
                    fields = fields.Select(f => f.PadLeft(ew)).ToArray();
                    break;
                default:
                    throw new ArgumentException($"Column {column.Name}: {column.Values.GetType().Name} cannot be written to an ASCII table.");
            }
            formatted.Add((column, tform, fields.Length == 0 ? int.Parse(tform[1..].Split('.')[0], CultureInfo.InvariantCulture) : fields[0].Length, fields));
        }

        var header = new Header();
        header.Add(Card.FromValue("XTENSION", "TABLE", "ASCII table extension"));
        header.Add(Card.FromValue("BITPIX", 8L));
        header.Add(Card.FromValue("NAXIS", 2L));
        var rowLength = formatted.Sum(f => f.Width) + Math.Max(0, formatted.Count - 1);
        header.Add(Card.FromValue("NAXIS1", (long)rowLength, "characters per row"));
        header.Add(Card.FromValue("NAXIS2", (long)rows, "rows"));
        header.Add(Card.FromValue("PCOUNT", 0L));
        header.Add(Card.FromValue("GCOUNT", 1L));
        header.Add(Card.FromValue("TFIELDS", (long)formatted.Count));
        var position = 1;
        for (var c = 0; c < formatted.Count; c++)
        {
            var n = c + 1;
            header.Add(Card.FromValue($"TTYPE{n}", formatted[c].Data.Name));
            header.Add(Card.FromValue($"TBCOL{n}", (long)position));
            header.Add(Card.FromValue($"TFORM{n}", formatted[c].Tform));
            if (formatted[c].Data.Unit is { } unit) header.Add(Card.FromValue($"TUNIT{n}", unit));
            position += formatted[c].Width + 1;
        }
        AppendCallerCards(header, cards, table: true);
        StartHdu(header, NoOpen.Instance);
        var sb = new StringBuilder(rowLength);
        for (var r = 0; r < rows; r++)
        {
            sb.Clear();
            for (var c = 0; c < formatted.Count; c++)
            {
                if (c > 0) sb.Append(' ');
                sb.Append(formatted[c].Fields[r]);
            }
            WriteData(Encoding.ASCII.GetBytes(sb.ToString()));
        }
        // ASCII table data is padded with blanks, not zeros.
        var size = (long)rowLength * rows;
        var pad = (int)((2880 - size % 2880) % 2880);
        if (pad > 0) WriteData(Encoding.ASCII.GetBytes(new string(' ', pad)));
        EndHdu(0);
    }

    /// <summary>Placeholder for HDUs written in one call (nothing left open).</summary>
    private sealed class NoOpen : IDisposable
    {
        public static readonly NoOpen Instance = new();
        public void Dispose() { }
    }
}
