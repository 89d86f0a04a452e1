using Astrolabe.Sky;

namespace Astrolabe.Tap.Adql;

/// <summary>Evaluates ADQL geometry functions on DALI text values, as the SQLite functions do; the
/// PostgreSQL functions in <see cref="PostgresGeometry"/> implement the same rules.</summary>
public static class GeometryValue
{
    /// <summary>1 when <paramref name="a"/> lies within <paramref name="b"/>, else 0; null for a null or malformed value.</summary>
    public static long? Contains(string? a, string? b)
    {
        var x = GeometryText.Parse(a);
        var y = GeometryText.Parse(b);
        if (!Valid(x) || !Valid(y))
        {
            return null;
        }
        bool result = (x!.Length, y!.Length) switch
        {
            (2, 2) => SphericalGeometry.Distance(x[0], x[1], y[0], y[1]) <= 1e-9,
            (2, 3) => SphericalGeometry.CircleContainsPoint(Circle(y), new SkyPoint(x[0], x[1])),
            (2, _) => SphericalGeometry.PolygonContainsPoint(SkyPolygon.FromCoordinates(y), new SkyPoint(x[0], x[1])),
            (3, 3) => SphericalGeometry.CircleContainsCircle(Circle(y), Circle(x)),
            (3, 2) => false,
            (3, _) => SphericalGeometry.PolygonContainsCircle(SkyPolygon.FromCoordinates(y), Circle(x)),
            (_, 2) => false,
            (_, 3) => SphericalGeometry.CircleContainsPolygon(Circle(y), SkyPolygon.FromCoordinates(x)),
            _ => SphericalGeometry.PolygonContainsPolygon(SkyPolygon.FromCoordinates(y), SkyPolygon.FromCoordinates(x)),
        };
        return result ? 1 : 0;
    }

    /// <summary>1 when the two geometries share a point, else 0.</summary>
    public static long? Intersects(string? a, string? b)
    {
        var x = GeometryText.Parse(a);
        var y = GeometryText.Parse(b);
        if (!Valid(x) || !Valid(y))
        {
            return null;
        }
        if (x!.Length == 2)
        {
            return Contains(a, b);
        }
        if (y!.Length == 2)
        {
            return Contains(b, a);
        }
        bool result = (x.Length, y.Length) switch
        {
            (3, 3) => SphericalGeometry.CirclesIntersect(Circle(x), Circle(y)),
            (3, _) => SphericalGeometry.CircleIntersectsPolygon(Circle(x), SkyPolygon.FromCoordinates(y)),
            (_, 3) => SphericalGeometry.CircleIntersectsPolygon(Circle(y), SkyPolygon.FromCoordinates(x)),
            _ => SphericalGeometry.PolygonsIntersect(SkyPolygon.FromCoordinates(x), SkyPolygon.FromCoordinates(y)),
        };
        return result ? 1 : 0;
    }

    /// <summary>Area in square degrees.</summary>
    public static double? Area(string? g)
    {
        var x = GeometryText.Parse(g);
        if (!Valid(x))
        {
            return null;
        }
        return x!.Length switch
        {
            2 => 0,
            3 => SphericalGeometry.CircleArea(x[2]),
            _ => SphericalGeometry.PolygonArea(SkyPolygon.FromCoordinates(x)),
        };
    }

    public static string? Centroid(string? g)
    {
        var x = GeometryText.Parse(g);
        if (!Valid(x))
        {
            return null;
        }
        if (x!.Length <= 3)
        {
            return GeometryText.Format([x[0], x[1]]);
        }
        var c = SphericalGeometry.PolygonCentroid(SkyPolygon.FromCoordinates(x));
        return GeometryText.Format([c.RaDeg, c.DecDeg]);
    }

    /// <summary>The text if it is a valid geometry of the kind (2 numbers for a point, 3 for a circle, an even
    /// number ≥ 6 for a polygon); otherwise an exception naming the problem.</summary>
    public static string? Check(string? g, AdqlType kind)
    {
        if (g is null)
        {
            return null;
        }
        var x = GeometryText.Parse(g);
        bool ok = x is not null && kind switch
        {
            AdqlType.Point => x.Length == 2,
            AdqlType.Circle => x.Length == 3,
            _ => x.Length >= 6 && x.Length % 2 == 0,
        };
        if (!ok)
        {
            throw new FormatException($"'{g}' is not a {kind.ToString().ToLowerInvariant()}");
        }
        return GeometryText.Format(x);
    }

    private static bool Valid(double[]? v) => v is not null && (v.Length is 2 or 3 || (v.Length >= 6 && v.Length % 2 == 0));

    private static SkyCircle Circle(double[] v) => new(v[0], v[1], v[2]);
}
