using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Astrolabe.Tap.Output;

/// <summary>Writes a result as JSON: <c>{"metadata":[{name,datatype,arraysize,unit,ucd,xtype}...],
/// "data":[[...],...],"overflow":bool}</c>; numbers are JSON numbers, NaN and NULL are null.</summary>
internal sealed class JsonResultWriter : ResultWriter
{
    private bool _firstRow = true;

    public override ResultFormat Format => ResultFormat.Json;

    protected override void WriteStart(Utf8Sink sink, ResultField[] fields, ResultContext context)
    {
        sink.Write("{\"metadata\":["u8);
        for (int i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (i > 0)
            {
                sink.Write((byte)',');
            }
            sink.Write("{\"name\":"u8);
            WriteString(sink, field.Column.Name);
            sink.Write(",\"datatype\":"u8);
            WriteString(sink, field.Datatype);
            Member(sink, "arraysize", field.Arraysize);
            Member(sink, "unit", field.Column.Unit);
            Member(sink, "ucd", field.Column.Ucd);
            Member(sink, "xtype", field.Column.Xtype);
            Member(sink, "description", field.Column.Description);
            sink.Write((byte)'}');
        }
        sink.Write("],\n\"data\":["u8);
    }

    private static void Member(Utf8Sink sink, string name, string? value)
    {
        if (value is null)
        {
            return;
        }
        sink.Write(",\""u8);
        sink.Write(name);
        sink.Write("\":"u8);
        WriteString(sink, value);
    }

    private static void WriteString(Utf8Sink sink, string value)
    {
        sink.Write((byte)'"');
        sink.Write(JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes);
        sink.Write((byte)'"');
    }

    protected override void WriteRow(Utf8Sink sink, ResultField[] fields, DbDataReader reader)
    {
        sink.Write(_firstRow ? "\n["u8 : ",\n["u8);
        _firstRow = false;
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                sink.Write((byte)',');
            }
            var field = fields[i];
            if (reader.IsDBNull(field.Ordinal))
            {
                sink.Write("null"u8);
                continue;
            }
            switch (field.Kind)
            {
                case ValueKind.Boolean:
                    sink.Write(field.GetBoolean(reader) ? "true"u8 : "false"u8);
                    break;
                case ValueKind.Short:
                case ValueKind.Int:
                case ValueKind.Long:
                    sink.Write(field.GetInt64(reader));
                    break;
                case ValueKind.Float:
                case ValueKind.Double:
                    double value = field.Kind == ValueKind.Float ? (float)field.GetDouble(reader) : field.GetDouble(reader);
                    if (double.IsFinite(value))
                    {
                        sink.Write(value);
                    }
                    else
                    {
                        sink.Write("null"u8);
                    }
                    break;
                default:
                    WriteString(sink, field.GetText(reader));
                    break;
            }
        }
        sink.Write((byte)']');
    }

    protected override void WriteEnd(Utf8Sink sink, bool overflow, string? failure)
    {
        sink.Write("],\n\"overflow\":"u8);
        sink.Write(overflow ? "true"u8 : "false"u8);
        if (failure is not null)
        {
            sink.Write(",\"error\":"u8);
            WriteString(sink, failure);
        }
        sink.Write("}\n"u8);
    }
}
