using System.Buffers;
using System.Globalization;
using System.Text;

namespace Astrolabe.Fits;

/// <summary>
/// An ASCII TABLE extension. Columns read by row range: A → string[], I → long[] (a blank or TNULL field reads
/// as 0; see <see cref="ReadNullMask"/>), F/E/D → double[] (blank or TNULL fields read as NaN). TSCAL/TZERO apply
/// to numeric columns; a scaled I column reads as double[].
/// </summary>
public sealed class AsciiTableHdu : Hdu
{
    internal AsciiTableHdu(FitsFile file, int index, Header header, long headerOffset, long dataOffset, long dataSize, long available)
        : base(file, index, header, headerOffset, dataOffset, dataSize, available)
    {
        if (Bitpix != 8 || Axes.Count != 2)
            throw new FitsFormatException("An ASCII TABLE must have BITPIX = 8 and NAXIS = 2", headerOffset, hduIndex: index);
        RowLength = checked((int)Axes[0]);
        RowCount = Axes[1];
        var fields = header.GetInt("TFIELDS");
        var columns = new List<TableColumn>(fields);
        for (var i = 0; i < fields; i++)
        {
            var column = new TableColumn(i, header, ascii: true);
            if (column.Offset < 0 || column.Offset + column.Width > RowLength)
                throw new FitsFormatException($"Column {i + 1} (TBCOL{i + 1} = {column.Offset + 1}, width {column.Width}) does not fit a row of {RowLength} characters",
                    headerOffset, keyword: $"TBCOL{i + 1}", hduIndex: index);
            columns.Add(column);
        }
        Columns = columns;
    }

    public IReadOnlyList<TableColumn> Columns { get; }

    public long RowCount { get; }

    public int RowLength { get; }

    public TableColumn Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No column '{name}' in HDU {Index}.");

    public Array ReadColumn(string name, long firstRow = 0, long rowCount = -1) => ReadColumn(Column(name).Index, firstRow, rowCount);

    public Array ReadColumn(int column, long firstRow = 0, long rowCount = -1)
    {
        var col = Columns[column];
        var rows = RowRange(firstRow, ref rowCount);
        Array result = col.Type switch
        {
            'A' => new string[rows],
            'I' when !col.IsScaled => new long[rows],
            _ => new double[rows],
        };
        ForEachField(col, firstRow, rows, (r, text) =>
        {
            switch (result)
            {
                case string[] s: s[r] = text.TrimEnd(); break;
                case long[] l: l[r] = IsNull(col, text) ? 0 : ParseInteger(col, text, firstRow + r); break;
                case double[] d: d[r] = IsNull(col, text) ? double.NaN : col.Zero + col.Scale * ParseReal(col, text, firstRow + r); break;
            }
        });
        return result;
    }

    /// <summary>True for rows whose field is blank or equals TNULL.</summary>
    public bool[] ReadNullMask(int column, long firstRow = 0, long rowCount = -1)
    {
        var col = Columns[column];
        var rows = RowRange(firstRow, ref rowCount);
        var mask = new bool[rows];
        ForEachField(col, firstRow, rows, (r, text) => mask[r] = col.Type != 'A' && IsNull(col, text));
        return mask;
    }

    private int RowRange(long firstRow, ref long rowCount)
    {
        if (rowCount < 0) rowCount = RowCount - firstRow;
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > RowCount)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"Rows {firstRow}..{firstRow + rowCount - 1} are outside the table of {RowCount} rows.");
        return checked((int)rowCount);
    }

    private void ForEachField(TableColumn col, long firstRow, int rows, Action<int, string> visit)
    {
        if (rows == 0) return;
        var rowsPerChunk = Math.Max(1, (1 << 20) / Math.Max(RowLength, 1));
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(rows, rowsPerChunk) * RowLength);
        try
        {
            for (var done = 0; done < rows; done += rowsPerChunk)
            {
                var n = Math.Min(rowsPerChunk, rows - done);
                var span = buffer.AsSpan(0, n * RowLength);
                var got = ReadDataBytes((firstRow + done) * RowLength, span);
                span[got..].Fill((byte)' ');
                for (var r = 0; r < n; r++)
                    visit(done + r, Encoding.Latin1.GetString(span.Slice(r * RowLength + col.Offset, col.Width)));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsNull(TableColumn col, string text) =>
        string.IsNullOrWhiteSpace(text) || (col.NullText is { } n && text.Trim() == n.Trim());

    private long ParseInteger(TableColumn col, string text, long row) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FitsFormatException($"Column {col.Name} row {row}: '{text.Trim()}' is not an integer",
                DataOffset + row * RowLength + col.Offset, hduIndex: Index);

    private double ParseReal(TableColumn col, string text, long row)
    {
        var t = text.Trim();
        if (!Card.TryParseReal(t, out var v))
            throw new FitsFormatException($"Column {col.Name} row {row}: '{t}' is not a number",
                DataOffset + row * RowLength + col.Offset, hduIndex: Index);
        // Fw.d without a decimal point in the field has an implied one d digits from the right (FITS 4.0 §7.2.5).
        if (col.Decimals > 0 && !t.Contains('.') && t.IndexOfAny(['E', 'D', 'e', 'd']) < 0)
            v /= Math.Pow(10, col.Decimals);
        return v;
    }
}
