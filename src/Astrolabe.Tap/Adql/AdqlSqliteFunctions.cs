using System.Globalization;
using Astrolabe.Sky;
using Microsoft.Data.Sqlite;

namespace Astrolabe.Tap.Adql;

/// <summary>Registers the functions translated ADQL calls (maths, strings, geometry) on a SQLite connection.</summary>
public static class AdqlSqliteFunctions
{
    /// <summary>Call once per opened connection before running translated SQL. Also makes LIKE case-sensitive,
    /// as ADQL requires (ILIKE is translated separately).</summary>
    public static void Register(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA case_sensitive_like = ON";
            pragma.ExecuteNonQuery();
        }

        Math1(connection, "ceiling", Math.Ceiling);
        Math1(connection, "floor", Math.Floor);
        Math1(connection, "degrees", x => x * 180 / Math.PI);
        Math1(connection, "radians", x => x * Math.PI / 180);
        Math1(connection, "exp", Math.Exp);
        Math1(connection, "log", Math.Log);
        Math1(connection, "log10", Math.Log10);
        Math1(connection, "sqrt", Math.Sqrt);
        Math1(connection, "acos", Math.Acos);
        Math1(connection, "asin", Math.Asin);
        Math1(connection, "atan", Math.Atan);
        Math1(connection, "cos", Math.Cos);
        Math1(connection, "cot", x => 1 / Math.Tan(x));
        Math1(connection, "sin", Math.Sin);
        Math1(connection, "tan", Math.Tan);
        connection.CreateFunction<double?, double?, double?>("adql_atan2", (double? y, double? x) => y is null || x is null ? null : Math.Atan2(y.Value, x.Value), true);
        connection.CreateFunction<double?, double?, double?>("adql_power", (double? a, double? b) => a is null || b is null ? null : Math.Pow(a.Value, b.Value), true);
        connection.CreateFunction("adql_pi", () => Math.PI, true);
        connection.CreateFunction("adql_rand", () => Random.Shared.NextDouble(), false);
        connection.CreateFunction<object?, object?, object?>("adql_mod", (object? a, object? b) => Mod(a, b), true);
        connection.CreateFunction<double?, long, double?>("adql_round", (double? x, long digits) => x is null ? null : Round(x.Value, (int)digits, truncate: false), true);
        connection.CreateFunction<double?, long, double?>("adql_truncate", (double? x, long digits) => x is null ? null : Round(x.Value, (int)digits, truncate: true), true);
        connection.CreateFunction("adql_lower", (string? s) => s?.ToLowerInvariant(), true);
        connection.CreateFunction("adql_upper", (string? s) => s?.ToUpperInvariant(), true);
        connection.CreateFunction<string?, long, string?>("adql_pad", (string? s, long n) => s is null ? null : s.Length >= n ? s[..(int)n] : s.PadRight((int)n), true);
        connection.CreateFunction<double?, string?>("adql_format_double", (double? x) => x?.ToString("R", CultureInfo.InvariantCulture), true);
        connection.CreateFunction<string?, string?>("adql_timestamp", (string? s) => s is null ? null : Timestamp(s), true);

        connection.CreateFunction("adql_point", (double? ra, double? dec) =>
            ra is null || dec is null ? null : GeometryText.Format([ra.Value, dec.Value]), true);
        connection.CreateFunction("adql_circle", (double? ra, double? dec, double? r) =>
            ra is null || dec is null || r is null ? null : GeometryText.Format([ra.Value, dec.Value, r.Value]), true);
        connection.CreateFunction("adql_box", (double? ra, double? dec, double? w, double? h) =>
            ra is null || dec is null || w is null || h is null ? null : GeometryText.Format(StcS.BoxCorners(ra.Value, dec.Value, w.Value, h.Value)), true);
        connection.CreateFunction<string?>("adql_polygon", (object?[] args) => Polygon(args), true);
        connection.CreateFunction("adql_coord1", (string? g) => GeometryText.Parse(g) is { Length: >= 2 } v ? v[0] : (double?)null, true);
        connection.CreateFunction("adql_coord2", (string? g) => GeometryText.Parse(g) is { Length: >= 2 } v ? v[1] : (double?)null, true);
        connection.CreateFunction<double?, double?, double?, double?, double?>("adql_distance", (double? ra1, double? dec1, double? ra2, double? dec2) =>
            ra1 is null || dec1 is null || ra2 is null || dec2 is null
                ? null : SphericalGeometry.Distance(ra1.Value, dec1.Value, ra2.Value, dec2.Value), true);
        connection.CreateFunction("adql_contains", (string? a, string? b) => GeometryValue.Contains(a, b), true);
        connection.CreateFunction("adql_intersects", (string? a, string? b) => GeometryValue.Intersects(a, b), true);
        connection.CreateFunction("adql_area", (string? g) => GeometryValue.Area(g), true);
        connection.CreateFunction("adql_centroid", (string? g) => GeometryValue.Centroid(g), true);
        connection.CreateFunction("adql_check_point", (string? g) => GeometryValue.Check(g, AdqlType.Point), true);
        connection.CreateFunction("adql_check_circle", (string? g) => GeometryValue.Check(g, AdqlType.Circle), true);
        connection.CreateFunction("adql_check_polygon", (string? g) => GeometryValue.Check(g, AdqlType.Polygon), true);
    }

    private static void Math1(SqliteConnection connection, string name, Func<double, double> f) =>
        connection.CreateFunction("adql_" + name, (double? x) => x is null ? null : (double?)f(x.Value), true);

    private static object? Mod(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return null;
        }
        if (a is long x && b is long y)
        {
            return y == 0 ? null : x % y;
        }
        double p = Convert.ToDouble(a, CultureInfo.InvariantCulture), q = Convert.ToDouble(b, CultureInfo.InvariantCulture);
        return q == 0 ? null : p % q;
    }

    // Decimal arithmetic, like PostgreSQL's numeric round/trunc, so both backends agree on halves.
    private static double Round(double x, int digits, bool truncate)
    {
        if (double.IsNaN(x) || double.IsInfinity(x) || Math.Abs(x) > 7.9e27)
        {
            return x;
        }
        decimal d = (decimal)x;
        decimal scale = 1;
        for (int i = 0; i < Math.Abs(digits) && i < 28; i++)
        {
            scale *= 10;
        }
        decimal scaled = digits >= 0 ? d * scale : d / scale;
        scaled = truncate ? decimal.Truncate(scaled) : decimal.Round(scaled, MidpointRounding.AwayFromZero);
        return (double)(digits >= 0 ? scaled / scale : scaled * scale);
    }

    private static string? Polygon(object?[] args)
    {
        var values = new double[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is null)
            {
                return null;
            }
            values[i] = Convert.ToDouble(args[i], CultureInfo.InvariantCulture);
        }
        return GeometryText.Format(values);
    }

    private static string Timestamp(string s)
    {
        var t = DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.');
    }
}
