using System.Data.Common;
using System.Globalization;
using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Output;

/// <summary>How a result column's values are read from the database and written out.</summary>
internal enum ValueKind { Boolean, Short, Int, Long, Float, Double, Text, Geometry, Bytes }

/// <summary>A result column as it is written: the VOTable datatype/arraysize actually declared, and a reader
/// that gets its value from a <see cref="DbDataReader"/> whatever the backend returned.</summary>
internal sealed class ResultField
{
    private bool _convert;

    public ResultField(ResultColumn column, int ordinal)
    {
        Column = column;
        Ordinal = ordinal;
        (Kind, Datatype, Arraysize) = (column.Datatype, column.Xtype) switch
        {
            (_, "point") => (ValueKind.Geometry, "double", "2"),
            (_, "circle") => (ValueKind.Geometry, "double", "3"),
            (_, "polygon") => (ValueKind.Geometry, "double", "*"),
            ("boolean", _) => (ValueKind.Boolean, "boolean", (string?)null),
            ("short", _) => (ValueKind.Short, "short", null),
            ("int", _) => (ValueKind.Int, "int", null),
            ("long", _) => (ValueKind.Long, "long", null),
            ("float", _) => (ValueKind.Float, "float", null),
            ("double", _) => (ValueKind.Double, "double", null),
            ("unsignedByte", _) => (ValueKind.Bytes, "unsignedByte", "*"),
            _ => (ValueKind.Text, "char", "*"),
        };
    }

    public ResultColumn Column { get; }

    public int Ordinal { get; }

    public ValueKind Kind { get; }

    public string Datatype { get; }

    public string? Arraysize { get; }

    public static ResultField[] For(IReadOnlyList<ResultColumn> columns)
    {
        var fields = new ResultField[columns.Count];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = new ResultField(columns[i], i);
        }
        return fields;
    }

    // Each getter uses the typed accessor first (no boxing) and falls back, once and for all for this column,
    // to converting the boxed value when the backend returned another type (e.g. PostgreSQL numeric for SUM).

    public long GetInt64(DbDataReader reader)
    {
        if (!_convert)
        {
            try
            {
                return reader.GetInt64(Ordinal);
            }
            catch (InvalidCastException)
            {
                _convert = true;
            }
        }
        var value = reader.GetValue(Ordinal);
        return value is bool b ? (b ? 1 : 0) : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public double GetDouble(DbDataReader reader)
    {
        if (!_convert)
        {
            try
            {
                return reader.GetDouble(Ordinal);
            }
            catch (InvalidCastException)
            {
                _convert = true;
            }
        }
        return Convert.ToDouble(reader.GetValue(Ordinal), CultureInfo.InvariantCulture);
    }

    public bool GetBoolean(DbDataReader reader)
    {
        if (!_convert)
        {
            try
            {
                return reader.GetBoolean(Ordinal);
            }
            catch (InvalidCastException)
            {
                _convert = true;
            }
        }
        var value = reader.GetValue(Ordinal);
        return value is string s ? s is "t" or "T" or "true" or "1" : Convert.ToBoolean(value, CultureInfo.InvariantCulture);
    }

    public string GetText(DbDataReader reader)
    {
        if (!_convert)
        {
            try
            {
                return reader.GetString(Ordinal);
            }
            catch (InvalidCastException)
            {
                _convert = true;
            }
        }
        return Format(reader.GetValue(Ordinal));
    }

    public byte[] GetBytes(DbDataReader reader)
    {
        var value = reader.GetValue(Ordinal);
        return value as byte[] ?? System.Text.Encoding.UTF8.GetBytes(Format(value));
    }

    private static string Format(object value) => value switch
    {
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
