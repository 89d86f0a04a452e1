using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Xml;
using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;

namespace Astrolabe.Tap.Ingest;

/// <summary>Reads the first TABLE of a VOTable (1.1–1.4) as a stream of rows: TABLEDATA, BINARY or BINARY2.</summary>
internal sealed class VoTableSource : ITableSource
{
    private readonly Stream _file;
    private readonly XmlReader _xml;
    private readonly List<VoField> _fields = [];
    private readonly string _path;
    private Serialization _serialization;
    private PushbackStream? _binary;
    private bool _done;
    private long _row;

    private enum Serialization { None, TableData, Binary, Binary2 }

    private sealed record VoField(string Name, string Datatype, string? Arraysize, AdqlType Type, string? NullValue)
    {
        public int ElementSize => Datatype switch
        {
            "boolean" or "unsignedByte" or "char" or "bit" => 1,
            "short" or "unicodeChar" => 2,
            "int" or "float" => 4,
            "long" or "double" or "floatComplex" => 8,
            "doubleComplex" => 16,
            _ => 1,
        };

        /// <summary>Element count of a fixed-size field, or -1 for a variable-length one.</summary>
        public int FixedCount
        {
            get
            {
                if (string.IsNullOrEmpty(Arraysize))
                {
                    return 1;
                }
                if (Arraysize.EndsWith('*'))
                {
                    return -1;
                }
                int count = 1;
                foreach (var part in Arraysize.Split('x'))
                {
                    count *= int.Parse(part, CultureInfo.InvariantCulture);
                }
                return count;
            }
        }
    }

    public VoTableSource(string path)
    {
        _path = path;
        _file = File.OpenRead(path);
        _xml = XmlReader.Create(_file, new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreWhitespace = true,
            IgnoreComments = true,
        });
        try
        {
            ReadHeader();
        }
        catch (XmlException ex)
        {
            Dispose();
            throw new TableFormatException($"{Path.GetFileName(path)} is not well-formed XML: {ex.Message}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<PublishedColumn> Columns { get; private set; } = [];

    public string? Description { get; private set; }

    public double Fraction => _file.Length == 0 ? 1 : (double)_file.Position / _file.Length;

    private void ReadHeader()
    {
        bool sawRoot = false;
        var columns = new List<PublishedColumn>();
        bool inTable = false;
        // Reading an element's content leaves the reader on the node after it, which the loop must look at before
        // reading on: a FIELD right after the table's DESCRIPTION was skipped that way.
        bool onNext = false;
        while (onNext || _xml.Read())
        {
            onNext = false;
            if (_xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            if (!sawRoot)
            {
                if (_xml.LocalName != "VOTABLE")
                {
                    throw new TableFormatException($"{Path.GetFileName(_path)} is not a VOTable: its root element is <{_xml.LocalName}>.");
                }
                sawRoot = true;
                continue;
            }
            switch (_xml.LocalName)
            {
                case "TABLE":
                    inTable = true;
                    break;
                case "DESCRIPTION" when inTable && _fields.Count == 0 && Description is null:
                    Description = _xml.ReadElementContentAsString().Trim();
                    onNext = true;
                    break;
                case "FIELD" when inTable:
                    ReadField(columns);
                    break;
                case "TABLEDATA":
                    _serialization = Serialization.TableData;
                    break;
                case "BINARY":
                    _serialization = Serialization.Binary;
                    break;
                case "BINARY2":
                    _serialization = Serialization.Binary2;
                    break;
                case "FITS":
                    throw new TableFormatException("FITS-serialized VOTables are not supported; send TABLEDATA, BINARY or BINARY2.");
                case "STREAM" when _serialization is Serialization.Binary or Serialization.Binary2:
                    if (_xml.GetAttribute("href") is not null)
                    {
                        throw new TableFormatException("VOTable STREAM with an external href is not supported.");
                    }
                    _binary = new PushbackStream(new BufferedStream(new Base64ElementStream(_xml), 65536));
                    break;
            }
            if (_serialization == Serialization.TableData || _binary is not null)
            {
                break;
            }
        }
        if (!sawRoot)
        {
            throw new TableFormatException($"{Path.GetFileName(_path)} is empty or not XML.");
        }
        if (!inTable || _fields.Count == 0)
        {
            throw new TableFormatException($"{Path.GetFileName(_path)} has no TABLE with FIELDs.");
        }
        if (_serialization == Serialization.None)
        {
            _done = true;
        }
        Columns = columns;
    }

    private void ReadField(List<PublishedColumn> columns)
    {
        var name = _xml.GetAttribute("name");
        var datatype = _xml.GetAttribute("datatype");
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(datatype))
        {
            throw new TableFormatException($"FIELD {columns.Count + 1} lacks a name or a datatype.");
        }
        var arraysize = _xml.GetAttribute("arraysize");
        var xtype = _xml.GetAttribute("xtype");
        var unit = _xml.GetAttribute("unit");
        var ucd = _xml.GetAttribute("ucd");
        string? description = null;
        string? nullValue = null;
        if (!_xml.IsEmptyElement)
        {
            int depth = _xml.Depth;
            bool onNext = false; // as in ReadHeader: a VALUES right after the DESCRIPTION was skipped
            while ((onNext || _xml.Read()) && !(_xml.NodeType == XmlNodeType.EndElement && _xml.Depth == depth))
            {
                onNext = false;
                if (_xml.NodeType != XmlNodeType.Element)
                {
                    continue;
                }
                if (_xml.LocalName == "DESCRIPTION")
                {
                    description = _xml.ReadElementContentAsString().Trim();
                    onNext = true;
                }
                else if (_xml.LocalName == "VALUES")
                {
                    nullValue = _xml.GetAttribute("null");
                }
            }
        }
        if (arraysize is not null && arraysize != "*" && !System.Text.RegularExpressions.Regex.IsMatch(arraysize, @"^\d+(x\d+)*(x?\d*\*)?$"))
        {
            throw new TableFormatException($"FIELD '{name}' has an invalid arraysize '{arraysize}'.");
        }
        var type = VoTypes.FromVoTable(datatype, arraysize, xtype);
        _fields.Add(new VoField(name, datatype, arraysize, type, nullValue));
        columns.Add(new PublishedColumn(name, type, unit, ucd, description));
    }

    public bool Read(object?[] values)
    {
        if (_done)
        {
            return false;
        }
        try
        {
            bool more = _serialization == Serialization.TableData ? ReadTableDataRow(values) : ReadBinaryRow(values);
            if (!more)
            {
                _done = true;
            }
            else
            {
                _row++;
            }
            return more;
        }
        catch (XmlException ex)
        {
            throw new TableFormatException($"row {_row + 1}: malformed XML: {ex.Message}");
        }
        catch (FormatException ex)
        {
            throw new TableFormatException($"row {_row + 1}: {ex.Message}");
        }
    }

    private bool ReadTableDataRow(object?[] values)
    {
        // Position on the next TR (or stop at the end of TABLEDATA).
        while (true)
        {
            if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName == "TR")
            {
                break;
            }
            if (_xml.NodeType == XmlNodeType.EndElement && _xml.LocalName == "TABLEDATA")
            {
                return false;
            }
            if (!_xml.Read())
            {
                return false;
            }
        }
        Array.Clear(values);
        if (_xml.IsEmptyElement)
        {
            _xml.Read();
            return true;
        }
        int depth = _xml.Depth;
        int index = 0;
        _xml.Read();
        while (!(_xml.NodeType == XmlNodeType.EndElement && _xml.Depth == depth))
        {
            if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName == "TD")
            {
                if (index >= _fields.Count)
                {
                    throw new FormatException($"more TD cells than the {_fields.Count} FIELDs");
                }
                // Reads <TD/> as "" too, and leaves the reader after the cell either way.
                string text = _xml.ReadElementContentAsString();
                values[index] = ParseText(_fields[index], text);
                index++;
                continue;
            }
            if (!_xml.Read())
            {
                throw new FormatException("the document ends inside a TR");
            }
        }
        _xml.Read();
        if (index != _fields.Count)
        {
            throw new FormatException($"{index} TD cells, but there are {_fields.Count} FIELDs");
        }
        return true;
    }

    private static object? ParseText(VoField field, string text)
    {
        var trimmed = text.Trim();
        if (field.Type is AdqlType.VarChar or AdqlType.Char or AdqlType.Clob or AdqlType.Timestamp)
        {
            return text.Length == 0 ? null : text;
        }
        if (trimmed.Length == 0 || (field.NullValue is not null && trimmed == field.NullValue))
        {
            return null;
        }
        switch (field.Type)
        {
            case AdqlType.Boolean:
                return trimmed.ToUpperInvariant() switch
                {
                    "T" or "TRUE" or "1" => true,
                    "F" or "FALSE" or "0" => false,
                    "?" => null,
                    _ => throw new FormatException($"'{trimmed}' in FIELD '{field.Name}' is not a boolean"),
                };
            case AdqlType.SmallInt or AdqlType.Integer or AdqlType.BigInt:
                if (long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out long integer))
                {
                    return integer;
                }
                if (trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(trimmed[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out integer))
                {
                    return integer;
                }
                throw new FormatException($"'{trimmed}' in FIELD '{field.Name}' is not an integer");
            case AdqlType.Real or AdqlType.Double:
                var number = ParseDouble(trimmed, field);
                return double.IsNaN(number) ? null : number;
            case AdqlType.VarBinary:
                return trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(b => byte.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            default:
                // Geometry and other arrays: kept as space-separated DALI text after checking the numbers.
                foreach (var part in trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    ParseDouble(part, field);
                }
                return string.Join(' ', trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    private static double ParseDouble(string text, VoField field) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" or "Infinity" or "+Infinity" => double.PositiveInfinity,
        "-Inf" or "-Infinity" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new FormatException($"'{text}' in FIELD '{field.Name}' is not a number"),
    };

    private bool ReadBinaryRow(object?[] values)
    {
        var stream = _binary!;
        Span<byte> flags = stackalloc byte[(_fields.Count + 7) / 8];
        if (_serialization == Serialization.Binary2)
        {
            int first = stream.ReadByte();
            if (first < 0)
            {
                return false;
            }
            flags[0] = (byte)first;
            if (flags.Length > 1)
            {
                ReadExactly(stream, flags[1..]);
            }
        }
        else
        {
            flags.Clear();
            // BINARY has no row marker: the stream ends exactly at a row boundary.
            if (stream.AtEnd())
            {
                return false;
            }
        }
        Span<byte> prefix = stackalloc byte[4];
        for (int i = 0; i < _fields.Count; i++)
        {
            var field = _fields[i];
            bool isNull = (flags[i / 8] & (0x80 >> (i % 8))) != 0;
            int count = field.FixedCount;
            if (count < 0)
            {
                ReadExactly(stream, prefix);
                count = BinaryPrimitives.ReadInt32BigEndian(prefix);
                if (count < 0 || count > 100_000_000)
                {
                    throw new FormatException($"FIELD '{field.Name}' has an impossible array length {count}");
                }
            }
            var bytes = new byte[count * field.ElementSize];
            ReadExactly(stream, bytes);
            values[i] = isNull ? null : DecodeBinary(field, bytes, count);
        }
        return true;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new FormatException("the binary stream ends in the middle of a row");
        }
    }

    private static object? DecodeBinary(VoField field, byte[] bytes, int count)
    {
        switch (field.Datatype)
        {
            case "char":
                return Encoding.UTF8.GetString(bytes).TrimEnd('\0', ' ') is { Length: > 0 } s ? s : null;
            case "unicodeChar":
                var chars = new char[count];
                for (int i = 0; i < count; i++)
                {
                    chars[i] = (char)BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(2 * i));
                }
                return new string(chars).TrimEnd('\0', ' ') is { Length: > 0 } u ? u : null;
        }
        if (field.Type == AdqlType.VarBinary)
        {
            return bytes;
        }
        if (count == 1 && field.Type is not (AdqlType.VarChar or AdqlType.Point or AdqlType.Circle or AdqlType.Polygon))
        {
            return Scalar(field, bytes, 0);
        }
        var parts = new string[count];
        for (int i = 0; i < count; i++)
        {
            parts[i] = Convert.ToString(Scalar(field, bytes, i * field.ElementSize), CultureInfo.InvariantCulture) ?? "";
        }
        return string.Join(' ', parts);
    }

    private static object? Scalar(VoField field, byte[] bytes, int offset)
    {
        var span = bytes.AsSpan(offset);
        object? value = field.Datatype switch
        {
            "boolean" => span[0] switch
            {
                (byte)'T' or (byte)'t' or (byte)'1' => true,
                (byte)'F' or (byte)'f' or (byte)'0' => false,
                _ => null,
            },
            "unsignedByte" => (long)span[0],
            "short" => (long)BinaryPrimitives.ReadInt16BigEndian(span),
            "int" => (long)BinaryPrimitives.ReadInt32BigEndian(span),
            "long" => BinaryPrimitives.ReadInt64BigEndian(span),
            "float" => (double)BinaryPrimitives.ReadSingleBigEndian(span),
            "double" => BinaryPrimitives.ReadDoubleBigEndian(span),
            _ => throw new FormatException($"FIELD '{field.Name}' has datatype '{field.Datatype}', which cannot be loaded"),
        };
        if (value is double d && double.IsNaN(d))
        {
            return null;
        }
        if (value is long l && field.NullValue is not null && l.ToString(CultureInfo.InvariantCulture) == field.NullValue)
        {
            return null;
        }
        return value;
    }

    public void Dispose()
    {
        _xml.Dispose();
        _file.Dispose();
    }

    /// <summary>A stream that can look one byte ahead.</summary>
    private sealed class PushbackStream(Stream inner) : Stream
    {
        private int _pushed = -1;

        public bool AtEnd()
        {
            if (_pushed >= 0)
            {
                return false;
            }
            _pushed = inner.ReadByte();
            return _pushed < 0;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (count == 0)
            {
                return 0;
            }
            if (_pushed >= 0)
            {
                buffer[offset] = (byte)_pushed;
                _pushed = -1;
                return 1 + (count > 1 ? inner.Read(buffer, offset + 1, count - 1) : 0);
            }
            return inner.Read(buffer, offset, count);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>The decoded bytes of a base64 STREAM element, read as the XML reader goes.</summary>
    private sealed class Base64ElementStream(XmlReader reader) : Stream
    {
        private bool _started;
        private bool _ended;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_ended)
            {
                return 0;
            }
            if (!_started)
            {
                _started = true;
                if (reader.IsEmptyElement)
                {
                    _ended = true;
                    return 0;
                }
            }
            int read = reader.ReadElementContentAsBase64(buffer, offset, count);
            if (read == 0)
            {
                _ended = true;
            }
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
