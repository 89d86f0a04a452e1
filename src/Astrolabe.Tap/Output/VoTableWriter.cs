using System.Buffers.Binary;
using System.Buffers.Text;
using System.Data.Common;
using System.Text;
using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Output;

/// <summary>Writes a result as a VOTable 1.4 document, serialized as TABLEDATA or BINARY2 (base64).</summary>
internal sealed class VoTableWriter(bool binary2) : ResultWriter
{
    public const string Namespace = "http://www.ivoa.net/xml/VOTable/v1.3";

    // BINARY2 rows are assembled here and base64-encoded into the sink in whole 3-byte groups.
    private byte[] _raw = new byte[8192];
    private int _rawLength;

    public override ResultFormat Format => binary2 ? ResultFormat.VoTableBinary2 : ResultFormat.VoTable;

    /// <summary>Writes a VOTable carrying QUERY_STATUS=ERROR and a message, as TAP prescribes for errors.</summary>
    public static async Task WriteErrorAsync(Stream output, string message, CancellationToken ct)
    {
        using var sink = new Utf8Sink(output);
        WriteDocumentStart(sink);
        sink.Write("<RESOURCE type=\"results\">\n<INFO name=\"QUERY_STATUS\" value=\"ERROR\">"u8);
        sink.WriteXmlEscaped(message);
        sink.Write("</INFO>\n</RESOURCE>\n</VOTABLE>\n"u8);
        await sink.FlushAsync(ct);
    }

    private static void WriteDocumentStart(Utf8Sink sink)
    {
        sink.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"u8);
        sink.Write("<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"u8);
    }

    protected override void WriteStart(Utf8Sink sink, ResultField[] fields, ResultContext context)
    {
        WriteDocumentStart(sink);
        sink.Write("<RESOURCE type=\"results\">\n<INFO name=\"QUERY_STATUS\" value=\"OK\"/>\n"u8);
        if (context.JobId is not null)
        {
            WriteInfo(sink, "JOB_ID", context.JobId);
        }
        if (context.Query is not null)
        {
            WriteInfo(sink, "QUERY", context.Query);
        }
        sink.Write("<TABLE>\n"u8);
        foreach (var field in fields)
        {
            WriteField(sink, field);
        }
        sink.Write(binary2 ? "<DATA><BINARY2><STREAM encoding=\"base64\">\n"u8 : "<DATA><TABLEDATA>\n"u8);
    }

    private static void WriteInfo(Utf8Sink sink, string name, string value)
    {
        sink.Write("<INFO name=\""u8);
        sink.Write(name);
        sink.Write("\" value=\""u8);
        sink.WriteXmlEscaped(value);
        sink.Write("\"/>\n"u8);
    }

    private static void WriteField(Utf8Sink sink, ResultField field)
    {
        var column = field.Column;
        sink.Write("<FIELD name=\""u8);
        sink.WriteXmlEscaped(column.Name);
        sink.Write("\" datatype=\""u8);
        sink.Write(field.Datatype);
        sink.Write("\""u8);
        Attribute(sink, "arraysize", field.Arraysize);
        Attribute(sink, "unit", column.Unit);
        Attribute(sink, "ucd", column.Ucd);
        Attribute(sink, "xtype", column.Xtype);
        if (string.IsNullOrEmpty(column.Description))
        {
            sink.Write("/>\n"u8);
            return;
        }
        sink.Write("><DESCRIPTION>"u8);
        sink.WriteXmlEscaped(column.Description);
        sink.Write("</DESCRIPTION></FIELD>\n"u8);
    }

    private static void Attribute(Utf8Sink sink, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        sink.Write(" "u8);
        sink.Write(name);
        sink.Write("=\""u8);
        sink.WriteXmlEscaped(value);
        sink.Write("\""u8);
    }

    protected override void WriteRow(Utf8Sink sink, ResultField[] fields, DbDataReader reader)
    {
        if (binary2)
        {
            WriteBinary2Row(sink, fields, reader);
            return;
        }
        sink.Write("<TR>"u8);
        foreach (var field in fields)
        {
            if (reader.IsDBNull(field.Ordinal))
            {
                sink.Write("<TD/>"u8);
                continue;
            }
            sink.Write("<TD>"u8);
            switch (field.Kind)
            {
                case ValueKind.Boolean:
                    sink.Write(field.GetBoolean(reader) ? "T"u8 : "F"u8);
                    break;
                case ValueKind.Short:
                case ValueKind.Int:
                case ValueKind.Long:
                    sink.Write(field.GetInt64(reader));
                    break;
                case ValueKind.Float:
                    sink.Write((float)field.GetDouble(reader));
                    break;
                case ValueKind.Double:
                    sink.Write(field.GetDouble(reader));
                    break;
                case ValueKind.Bytes:
                    var bytes = field.GetBytes(reader);
                    for (int i = 0; i < bytes.Length; i++)
                    {
                        if (i > 0)
                        {
                            sink.Write((byte)' ');
                        }
                        sink.Write((long)bytes[i]);
                    }
                    break;
                default:
                    // Geometry is stored as DALI text, which is also the TABLEDATA form of a double array.
                    sink.WriteXmlEscaped(field.GetText(reader));
                    break;
            }
            sink.Write("</TD>"u8);
        }
        sink.Write("</TR>\n"u8);
    }

    private void WriteBinary2Row(Utf8Sink sink, ResultField[] fields, DbDataReader reader)
    {
        int flagBytes = (fields.Length + 7) / 8;
        var flags = RawReserve(flagBytes);
        flags.Clear();
        int flagStart = _rawLength;
        _rawLength += flagBytes;
        foreach (var field in fields)
        {
            bool isNull = reader.IsDBNull(field.Ordinal);
            if (isNull)
            {
                _raw[flagStart + field.Ordinal / 8] |= (byte)(0x80 >> (field.Ordinal % 8));
            }
            switch (field.Kind)
            {
                case ValueKind.Boolean:
                    RawReserve(1)[0] = isNull ? (byte)'?' : field.GetBoolean(reader) ? (byte)'T' : (byte)'F';
                    _rawLength += 1;
                    break;
                case ValueKind.Short:
                    BinaryPrimitives.WriteInt16BigEndian(RawReserve(2), isNull ? (short)0 : (short)field.GetInt64(reader));
                    _rawLength += 2;
                    break;
                case ValueKind.Int:
                    BinaryPrimitives.WriteInt32BigEndian(RawReserve(4), isNull ? 0 : (int)field.GetInt64(reader));
                    _rawLength += 4;
                    break;
                case ValueKind.Long:
                    BinaryPrimitives.WriteInt64BigEndian(RawReserve(8), isNull ? 0 : field.GetInt64(reader));
                    _rawLength += 8;
                    break;
                case ValueKind.Float:
                    BinaryPrimitives.WriteSingleBigEndian(RawReserve(4), isNull ? float.NaN : (float)field.GetDouble(reader));
                    _rawLength += 4;
                    break;
                case ValueKind.Double:
                    BinaryPrimitives.WriteDoubleBigEndian(RawReserve(8), isNull ? double.NaN : field.GetDouble(reader));
                    _rawLength += 8;
                    break;
                case ValueKind.Geometry:
                    WriteGeometry(field, isNull ? null : field.GetText(reader));
                    break;
                case ValueKind.Bytes:
                    WriteVariable(isNull ? [] : field.GetBytes(reader));
                    break;
                default:
                    WriteVariable(isNull ? [] : Encoding.UTF8.GetBytes(field.GetText(reader)));
                    break;
            }
        }
        EncodeRaw(sink, final: false);
    }

    private void WriteGeometry(ResultField field, string? text)
    {
        var values = GeometryText.Parse(text) ?? [];
        int fixedCount = field.Arraysize == "2" ? 2 : field.Arraysize == "3" ? 3 : -1;
        if (fixedCount < 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(RawReserve(4), values.Length);
            _rawLength += 4;
        }
        int count = fixedCount < 0 ? values.Length : fixedCount;
        var span = RawReserve(8 * count);
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteDoubleBigEndian(span[(8 * i)..], i < values.Length ? values[i] : double.NaN);
        }
        _rawLength += 8 * count;
    }

    private void WriteVariable(ReadOnlySpan<byte> bytes)
    {
        var span = RawReserve(4 + bytes.Length);
        BinaryPrimitives.WriteInt32BigEndian(span, bytes.Length);
        bytes.CopyTo(span[4..]);
        _rawLength += 4 + bytes.Length;
    }

    private Span<byte> RawReserve(int count)
    {
        if (_rawLength + count > _raw.Length)
        {
            Array.Resize(ref _raw, Math.Max(_raw.Length * 2, _rawLength + count));
        }
        return _raw.AsSpan(_rawLength);
    }

    /// <summary>Base64-encodes the buffered bytes (all of them when final, else whole 3-byte groups).</summary>
    private void EncodeRaw(Utf8Sink sink, bool final)
    {
        int take = final ? _rawLength : _rawLength - _rawLength % 3;
        if (take == 0 || (!final && take < 3 * 1024))
        {
            return;
        }
        // Lines of 76 characters (57 raw bytes) keep the XML readable by line-oriented tools.
        int offset = 0;
        while (offset < take)
        {
            int chunk = Math.Min(57, take - offset);
            if (!final && chunk < 57)
            {
                break;
            }
            var dest = sink.Reserve(80);
            Base64.EncodeToUtf8(_raw.AsSpan(offset, chunk), dest, out _, out int written);
            dest[written] = (byte)'\n';
            sink.Advance(written + 1);
            offset += chunk;
        }
        _raw.AsSpan(offset, _rawLength - offset).CopyTo(_raw);
        _rawLength -= offset;
    }

    protected override void WriteEnd(Utf8Sink sink, bool overflow, string? failure)
    {
        if (binary2)
        {
            EncodeRaw(sink, final: true);
            sink.Write("</STREAM></BINARY2></DATA>\n"u8);
        }
        else
        {
            sink.Write("</TABLEDATA></DATA>\n"u8);
        }
        sink.Write("</TABLE>\n"u8);
        if (failure is not null)
        {
            sink.Write("<INFO name=\"QUERY_STATUS\" value=\"ERROR\">"u8);
            sink.WriteXmlEscaped(failure);
            sink.Write("</INFO>\n"u8);
        }
        else if (overflow)
        {
            sink.Write("<INFO name=\"QUERY_STATUS\" value=\"OVERFLOW\"/>\n"u8);
        }
        sink.Write("</RESOURCE>\n</VOTABLE>\n"u8);
    }
}
