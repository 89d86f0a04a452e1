using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Astrolabe.Fits;

/// <summary>
/// A BINTABLE extension. Columns are read by row range into typed arrays:
/// L → bool[], X → bool[] (one per bit), B → byte[] (sbyte[] with TZERO = −128), I → short[] (ushort[] with
/// TZERO = 32768), J → int[] (uint[] with TZERO = 2³¹), K → long[] (ulong[] with TZERO = 2⁶³), E → float[],
/// D → double[], C/M → Complex[], A → string[] (one per row, trailing blanks/NULs removed), P/Q → Array[] (one
/// typed array per row). Other TSCAL/TZERO scaling gives double[] (TNULL → NaN). Arrays with repeat r hold r
/// values per row, row after row.
/// </summary>
public sealed class BinaryTableHdu : Hdu
{
    private const int ChunkBytes = 1 << 20;

    internal BinaryTableHdu(FitsFile file, int index, Header header, long headerOffset, long dataOffset, long dataSize, long available)
        : base(file, index, header, headerOffset, dataOffset, dataSize, available)
    {
        if (Bitpix != 8 || Axes.Count != 2)
            throw new FitsFormatException("A BINTABLE must have BITPIX = 8 and NAXIS = 2", headerOffset, hduIndex: index);
        RowLength = checked((int)Axes[0]);
        RowCount = Axes[1];
        var fields = header.GetInt("TFIELDS");
        var columns = new List<TableColumn>(fields);
        var offset = 0;
        for (var i = 0; i < fields; i++)
        {
            var column = new TableColumn(i, header, ascii: false) { Offset = offset };
            offset += column.Width;
            columns.Add(column);
        }
        if (offset != RowLength)
            throw new FitsFormatException($"Columns add up to {offset} bytes per row but NAXIS1 = {RowLength}", headerOffset, keyword: "NAXIS1", hduIndex: index);
        Columns = columns;
        HeapOffset = header.GetLong("THEAP", (long)RowLength * RowCount);
    }

    public IReadOnlyList<TableColumn> Columns { get; }

    public long RowCount { get; }

    /// <summary>NAXIS1: bytes per row.</summary>
    public int RowLength { get; }

    /// <summary>Offset of the heap (variable-length arrays) from the start of the data unit.</summary>
    public long HeapOffset { get; }

    public TableColumn Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No column '{name}' in HDU {Index} (columns: {string.Join(", ", Columns.Select(c => c.Name))}).");

    public Array ReadColumn(string name, long firstRow = 0, long rowCount = -1) => ReadColumn(Column(name).Index, firstRow, rowCount);

    /// <summary>Reads a column as T[] (e.g. double[] for a D column); says which type it has when T is wrong.</summary>
    public T[] ReadColumn<T>(string name, long firstRow = 0, long rowCount = -1) =>
        ReadColumn(name, firstRow, rowCount) as T[] ?? throw new InvalidCastException(
            $"Column {name} ({Column(name).Format}) reads as {Allocate(Column(name), 0).GetType().Name}, not {typeof(T).Name}[].");

    /// <summary>
    /// Reads a numeric scalar or fixed-array column (L, X, B, I, J, K, E, D, scaled or not) as doubles; TNULL
    /// values of integer columns become NaN.
    /// </summary>
    public double[] ReadColumnAsDouble(string name, long firstRow = 0, long rowCount = -1)
    {
        var column = Column(name);
        var values = ReadColumn(column.Index, firstRow, rowCount);
        if (values is double[] d) return d;
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values.GetValue(i);
            result[i] = v switch
            {
                bool b => b ? 1 : 0,
                float f => f,
                IConvertible c when column.Null is { } nul && column.Type is 'B' or 'I' or 'J' or 'K' && !column.IsScaled
                                    && Convert.ToDecimal(c, System.Globalization.CultureInfo.InvariantCulture) == nul => double.NaN,
                IConvertible c => Convert.ToDouble(c, System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new InvalidCastException($"Column {name} ({column.Format}) is not numeric."),
            };
        }
        return result;
    }

    /// <summary>Reads one column for rows [firstRow, firstRow + rowCount) (all remaining rows when rowCount is −1).</summary>
    public Array ReadColumn(int column, long firstRow = 0, long rowCount = -1) => ReadColumns([column], firstRow, rowCount)[0];

    /// <summary>Reads every column for a row range; element i is column i's array.</summary>
    public Array[] ReadRows(long firstRow, long rowCount) =>
        ReadColumns(Enumerable.Range(0, Columns.Count).ToArray(), firstRow, rowCount);

    public Array[] ReadColumns(int[] columns, long firstRow, long rowCount)
    {
        if (rowCount < 0) rowCount = RowCount - firstRow;
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > RowCount)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"Rows {firstRow}..{firstRow + rowCount - 1} are outside the table of {RowCount} rows.");
        var rows = checked((int)rowCount);
        var results = new Array[columns.Length];
        for (var c = 0; c < columns.Length; c++) results[c] = Allocate(Columns[columns[c]], rows);
        if (rows == 0 || RowLength == 0) return results;

        var rowsPerChunk = Math.Max(1, ChunkBytes / RowLength);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(rows, rowsPerChunk) * RowLength);
        try
        {
            for (var done = 0; done < rows; done += rowsPerChunk)
            {
                var n = Math.Min(rowsPerChunk, rows - done);
                var span = buffer.AsSpan(0, n * RowLength);
                var got = ReadDataBytes((firstRow + done) * RowLength, span);
                span[got..].Clear();
                for (var r = 0; r < n; r++)
                {
                    var row = span.Slice(r * RowLength, RowLength);
                    for (var c = 0; c < columns.Length; c++)
                    {
                        var column = Columns[columns[c]];
                        Decode(column, row.Slice(column.Offset, column.Width), results[c], done + r);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return results;
    }

    private static Array Allocate(TableColumn column, int rows)
    {
        var n = checked((int)(rows * column.Repeat));
        return column.Type switch
        {
            'L' or 'X' => new bool[n],
            'A' => new string[rows],
            'P' or 'Q' => new Array[rows],
            'C' or 'M' => new Complex[n],
            _ when IsUnsignedConvention(column) is { } clr => NewUnsignedArray(clr, n),
            _ when column.IsScaled => new double[n],
            'B' => new byte[n],
            'I' => new short[n],
            'J' => new int[n],
            'K' => new long[n],
            'E' => new float[n],
            'D' => new double[n],
            _ => throw new NotSupportedException($"Column type {column.Type}"),
        };
    }

    // A switch rather than Array.CreateInstance, whose element type a native (AOT) build cannot know ahead.
    private static Array NewUnsignedArray(Type clr, int n) =>
        clr == typeof(sbyte) ? new sbyte[n] : clr == typeof(ushort) ? new ushort[n] : clr == typeof(uint) ? new uint[n] : new ulong[n];

    internal static Type? IsUnsignedConvention(TableColumn column)
    {
        if (column.Scale != 1.0) return null;
        return (column.Type, column.Zero) switch
        {
            ('B', -128.0) => typeof(sbyte),
            ('I', 32768.0) => typeof(ushort),
            ('J', 2147483648.0) => typeof(uint),
            ('K', 9223372036854775808.0) => typeof(ulong),
            _ => null,
        };
    }

    private void Decode(TableColumn column, ReadOnlySpan<byte> field, Array target, int row)
    {
        var repeat = (int)column.Repeat;
        var at = row * repeat;
        switch (column.Type)
        {
            case 'L':
                var logicals = (bool[])target;
                for (var i = 0; i < repeat; i++) logicals[at + i] = field[i] == (byte)'T';
                return;
            case 'X':
                var bits = (bool[])target;
                for (var i = 0; i < repeat; i++) bits[at + i] = (field[i >> 3] & (0x80 >> (i & 7))) != 0;
                return;
            case 'A':
                ((string[])target)[row] = DecodeString(field);
                return;
            case 'C':
            case 'M':
                var complex = (Complex[])target;
                for (var i = 0; i < repeat; i++)
                    complex[at + i] = column.Type == 'C'
                        ? new Complex(BinaryPrimitives.ReadSingleBigEndian(field[(8 * i)..]), BinaryPrimitives.ReadSingleBigEndian(field[(8 * i + 4)..]))
                        : new Complex(BinaryPrimitives.ReadDoubleBigEndian(field[(16 * i)..]), BinaryPrimitives.ReadDoubleBigEndian(field[(16 * i + 8)..]));
                return;
            case 'P':
            case 'Q':
                long count, offset;
                if (column.Type == 'P')
                {
                    count = BinaryPrimitives.ReadInt32BigEndian(field);
                    offset = BinaryPrimitives.ReadInt32BigEndian(field[4..]);
                }
                else
                {
                    count = BinaryPrimitives.ReadInt64BigEndian(field);
                    offset = BinaryPrimitives.ReadInt64BigEndian(field[8..]);
                }
                ((Array[])target)[row] = ReadHeapArray(column, count, offset, row);
                return;
        }

        switch (target)
        {
            case double[] scaled when column.IsScaled:
                for (var i = 0; i < repeat; i++)
                {
                    double raw;
                    long? integer = null;
                    switch (column.Type)
                    {
                        case 'B': integer = field[i]; raw = field[i]; break;
                        case 'I': integer = BinaryPrimitives.ReadInt16BigEndian(field[(2 * i)..]); raw = integer.Value; break;
                        case 'J': integer = BinaryPrimitives.ReadInt32BigEndian(field[(4 * i)..]); raw = integer.Value; break;
                        case 'K': integer = BinaryPrimitives.ReadInt64BigEndian(field[(8 * i)..]); raw = integer.Value; break;
                        case 'E': raw = BinaryPrimitives.ReadSingleBigEndian(field[(4 * i)..]); break;
                        default: raw = BinaryPrimitives.ReadDoubleBigEndian(field[(8 * i)..]); break;
                    }
                    scaled[at + i] = integer is not null && integer == column.Null ? double.NaN : column.Zero + column.Scale * raw;
                }
                return;
        }

        // Switch on the element type code, not on array patterns: the runtime lets a ushort[] pass as a short[]
        // (and uint[]/int[], ulong[]/long[], sbyte[]/byte[]), so "is short[]" cannot tell them apart.
        switch (Type.GetTypeCode(target.GetType().GetElementType()))
        {
            case TypeCode.Byte: field[..repeat].CopyTo(((byte[])target).AsSpan(at)); return;
            case TypeCode.SByte: var sb = (sbyte[])target; for (var i = 0; i < repeat; i++) sb[at + i] = (sbyte)(field[i] ^ 0x80); return;
            case TypeCode.Int16: var s = (short[])target; for (var i = 0; i < repeat; i++) s[at + i] = BinaryPrimitives.ReadInt16BigEndian(field[(2 * i)..]); return;
            case TypeCode.UInt16: var us = (ushort[])target; for (var i = 0; i < repeat; i++) us[at + i] = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(field[(2 * i)..]) ^ 0x8000); return;
            case TypeCode.Int32: var j = (int[])target; for (var i = 0; i < repeat; i++) j[at + i] = BinaryPrimitives.ReadInt32BigEndian(field[(4 * i)..]); return;
            case TypeCode.UInt32: var uj = (uint[])target; for (var i = 0; i < repeat; i++) uj[at + i] = BinaryPrimitives.ReadUInt32BigEndian(field[(4 * i)..]) ^ 0x80000000u; return;
            case TypeCode.Int64: var k = (long[])target; for (var i = 0; i < repeat; i++) k[at + i] = BinaryPrimitives.ReadInt64BigEndian(field[(8 * i)..]); return;
            case TypeCode.UInt64: var uk = (ulong[])target; for (var i = 0; i < repeat; i++) uk[at + i] = BinaryPrimitives.ReadUInt64BigEndian(field[(8 * i)..]) ^ 0x8000000000000000ul; return;
            case TypeCode.Single: var e = (float[])target; for (var i = 0; i < repeat; i++) e[at + i] = BinaryPrimitives.ReadSingleBigEndian(field[(4 * i)..]); return;
            case TypeCode.Double: var d = (double[])target; for (var i = 0; i < repeat; i++) d[at + i] = BinaryPrimitives.ReadDoubleBigEndian(field[(8 * i)..]); return;
        }
    }

    internal static string DecodeString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        if (end >= 0) field = field[..end];
        return Encoding.Latin1.GetString(field).TrimEnd(' ');
    }

    private Array ReadHeapArray(TableColumn column, long count, long offset, int row)
    {
        var type = column.ElementType!.Value;
        var size = TableColumn.ElementSize(type);
        var bytes = type == 'X' ? (count + 7) / 8 : count * size;
        if (count < 0 || offset < 0 || HeapOffset + offset + bytes > DataSize)
            throw new FitsFormatException($"Column {column.Name} row {row}: variable-length array ({count} elements at heap offset {offset}) lies outside the heap",
                DataOffset + HeapOffset + offset, hduIndex: Index);
        var raw = new byte[bytes];
        ReadDataBytes(HeapOffset + offset, raw);
        var n = (int)count;
        var element = new TableColumn(column, type, n);
        if (type == 'A') return new[] { DecodeString(raw) };
        var target = Allocate(element, 1);
        Decode(element, raw, target, 0);
        return target;
    }
}
