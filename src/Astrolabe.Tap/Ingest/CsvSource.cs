using System.Globalization;
using System.Text;
using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;

namespace Astrolabe.Tap.Ingest;

/// <summary>Reads a CSV file (RFC 4180, a header line with the column names). Column types are inferred from
/// the first rows: integers, then floating point, then booleans, else text; empty cells are NULL.</summary>
internal sealed class CsvSource : ITableSource
{
    private const int SampleRows = 2000;
    private readonly StreamReader _reader;
    private readonly Queue<string?[]> _sample = new();
    private readonly string _name;
    private readonly StringBuilder _cell = new();
    private long _line;

    public CsvSource(string path)
    {
        _name = Path.GetFileName(path);
        _reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var header = ReadRecord() ?? throw new TableFormatException($"{_name} is empty: a header line is needed.");
        var names = new string[header.Length];
        for (int i = 0; i < header.Length; i++)
        {
            names[i] = header[i]?.Trim() is { Length: > 0 } name ? name : throw new TableFormatException($"{_name}: column {i + 1} of the header has no name.");
        }
        var types = new AdqlType[names.Length];
        Array.Fill(types, AdqlType.Unknown);
        while (_sample.Count < SampleRows && ReadRecord() is { } record)
        {
            CheckWidth(record, names.Length);
            for (int i = 0; i < record.Length; i++)
            {
                types[i] = Widen(types[i], record[i]);
            }
            _sample.Enqueue(record);
        }
        Columns = names.Select((n, i) => new PublishedColumn(n, types[i] == AdqlType.Unknown ? AdqlType.VarChar : types[i])).ToList();
    }

    public IReadOnlyList<PublishedColumn> Columns { get; }

    public string? Description => null;

    public double Fraction => _reader.BaseStream.Length == 0 ? 1 : (double)_reader.BaseStream.Position / _reader.BaseStream.Length;

    private void CheckWidth(string?[] record, int width)
    {
        if (record.Length != width)
        {
            throw new TableFormatException($"{_name}, line {_line}: {record.Length} fields where the header has {width}.");
        }
    }

    private static AdqlType Widen(AdqlType current, string? cell)
    {
        if (string.IsNullOrWhiteSpace(cell) || current == AdqlType.VarChar)
        {
            return current;
        }
        var text = cell.Trim();
        bool isInteger = long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        bool isNumber = isInteger || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                        || text is "NaN" or "nan" or "inf" or "-inf";
        bool isBoolean = text.ToLowerInvariant() is "true" or "false";
        return current switch
        {
            AdqlType.Unknown when isInteger => AdqlType.BigInt,
            AdqlType.Unknown when isNumber => AdqlType.Double,
            AdqlType.Unknown when isBoolean => AdqlType.Boolean,
            AdqlType.BigInt when isInteger => AdqlType.BigInt,
            AdqlType.BigInt or AdqlType.Double when isNumber => AdqlType.Double,
            AdqlType.Boolean when isBoolean => AdqlType.Boolean,
            _ => AdqlType.VarChar,
        };
    }

    public bool Read(object?[] values)
    {
        var record = _sample.Count > 0 ? _sample.Dequeue() : ReadRecord();
        if (record is null)
        {
            return false;
        }
        CheckWidth(record, Columns.Count);
        for (int i = 0; i < record.Length; i++)
        {
            values[i] = Convert(record[i], Columns[i]);
        }
        return true;
    }

    private object? Convert(string? cell, PublishedColumn column)
    {
        if (string.IsNullOrWhiteSpace(cell))
        {
            return column.Type == AdqlType.VarChar && cell is { Length: > 0 } ? cell : null;
        }
        var text = cell.Trim();
        switch (column.Type)
        {
            case AdqlType.BigInt:
                return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)
                    ? l : throw new TableFormatException($"{_name}, line {_line}: '{text}' in column '{column.Name}' is not an integer.");
            case AdqlType.Double:
                if (text.ToLowerInvariant() is "nan")
                {
                    return null;
                }
                return double.TryParse(text.Replace("inf", "Infinity", StringComparison.OrdinalIgnoreCase), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    ? d : throw new TableFormatException($"{_name}, line {_line}: '{text}' in column '{column.Name}' is not a number.");
            case AdqlType.Boolean:
                return text.Equals("true", StringComparison.OrdinalIgnoreCase);
            default:
                return cell;
        }
    }

    /// <summary>One CSV record, quotes resolved; null at the end of the file.</summary>
    private string?[]? ReadRecord()
    {
        int c = _reader.Read();
        if (c < 0)
        {
            return null;
        }
        _line++;
        var fields = new List<string?>();
        _cell.Clear();
        bool quoted = false;
        while (true)
        {
            if (c < 0)
            {
                if (quoted)
                {
                    throw new TableFormatException($"{_name}, line {_line}: a quoted field is not closed.");
                }
                fields.Add(_cell.ToString());
                return fields.ToArray();
            }
            char ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        _reader.Read();
                        _cell.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        _line++;
                    }
                    _cell.Append(ch);
                }
            }
            else if (ch == '"' && _cell.Length == 0)
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(_cell.ToString());
                _cell.Clear();
            }
            else if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && _reader.Peek() == '\n')
                {
                    _reader.Read();
                }
                fields.Add(_cell.ToString());
                return fields.ToArray();
            }
            else
            {
                _cell.Append(ch);
            }
            c = _reader.Read();
        }
    }

    public void Dispose() => _reader.Dispose();
}
