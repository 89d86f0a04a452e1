using System.Data.Common;

namespace Astrolabe.Tap.Output;

/// <summary>Writes a result as CSV (RFC 4180, header line) or TSV (IANA text/tab-separated-values).</summary>
internal sealed class DelimitedWriter(ResultFormat format, char separator) : ResultWriter
{
    public override ResultFormat Format => format;

    protected override void WriteStart(Utf8Sink sink, ResultField[] fields, ResultContext context)
    {
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                sink.Write((byte)separator);
            }
            WriteText(sink, fields[i].Column.Name);
        }
        sink.Write("\r\n"u8);
    }

    protected override void WriteRow(Utf8Sink sink, ResultField[] fields, DbDataReader reader)
    {
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                sink.Write((byte)separator);
            }
            var field = fields[i];
            if (reader.IsDBNull(field.Ordinal))
            {
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
                    sink.Write((float)field.GetDouble(reader));
                    break;
                case ValueKind.Double:
                    sink.Write(field.GetDouble(reader));
                    break;
                default:
                    WriteText(sink, field.GetText(reader));
                    break;
            }
        }
        sink.Write("\r\n"u8);
    }

    private void WriteText(Utf8Sink sink, string text)
    {
        if (separator == '\t')
        {
            // TSV fields cannot hold tabs or line breaks; they are written as the usual backslash escapes.
            if (text.AsSpan().IndexOfAny('\t', '\n', '\r') < 0 && !text.Contains('\\'))
            {
                sink.Write(text);
                return;
            }
            sink.Write(text.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r"));
            return;
        }
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sink.Write(text);
            return;
        }
        sink.Write((byte)'"');
        sink.Write(text.Replace("\"", "\"\""));
        sink.Write((byte)'"');
    }

    protected override void WriteEnd(Utf8Sink sink, bool overflow, string? failure)
    {
    }
}
