namespace Astrolabe.Sky;

/// <summary>Exact geometry on the celestial sphere; angles in degrees, areas in square degrees.</summary>
public static class SphericalGeometry
{
    private const double Deg = Math.PI / 180;
    private const double SquareDegreesPerSteradian = (180 / Math.PI) * (180 / Math.PI);

    /// <summary>Great-circle separation of two positions in degrees (haversine, stable for small angles).</summary>
    public static double Distance(double ra1Deg, double dec1Deg, double ra2Deg, double dec2Deg)
    {
        double sinDDec = Math.Sin((dec2Deg - dec1Deg) * Deg / 2);
        double sinDRa = Math.Sin((ra2Deg - ra1Deg) * Deg / 2);
        double h = sinDDec * sinDDec + Math.Cos(dec1Deg * Deg) * Math.Cos(dec2Deg * Deg) * sinDRa * sinDRa;
        return 2 * Math.Asin(Math.Sqrt(Math.Clamp(h, 0, 1))) / Deg;
    }

    public static bool CircleContainsPoint(SkyCircle circle, SkyPoint point) =>
        Distance(circle.RaDeg, circle.DecDeg, point.RaDeg, point.DecDeg) <= circle.RadiusDeg;

    /// <summary>Whether a point lies in a polygon whose edges are great-circle arcs. The polygon is taken as
    /// the smaller of the two regions its boundary separates (either vertex order).</summary>
    public static bool PolygonContainsPoint(SkyPolygon polygon, SkyPoint point)
    {
        var p = point.ToVector();
        var vertices = polygon.Vectors();
        double winding = 0;
        for (int i = 0; i < vertices.Length; i++)
        {
            var a = vertices[i];
            var b = vertices[(i + 1) % vertices.Length];
            if (OnArc(p, a, b))
            {
                return true;
            }
            // Signed angle subtended at p by the edge, measured around the axis through p.
            var pa = a - p.Dot(a) * p;
            var pb = b - p.Dot(b) * p;
            winding += Math.Atan2(p.Dot(pa.Cross(pb)), pa.Dot(pb));
        }
        if (Math.Abs(winding) < Math.PI)
        {
            return false;
        }
        // A boundary winding round p also winds round -p; the polygon is the side nearer its own centroid.
        return p.Dot(CentroidVector(vertices)) > 0;
    }

    /// <summary>Area of a polygon in square degrees (the smaller region the boundary encloses).</summary>
    public static double PolygonArea(SkyPolygon polygon)
    {
        var v = polygon.Vectors();
        double sum = 0;
        for (int i = 1; i + 1 < v.Length; i++)
        {
            sum += SignedTriangleArea(v[0], v[i], v[i + 1]);
        }
        double area = Math.Abs(sum);
        area = Math.Min(area, 4 * Math.PI - area);
        return area * SquareDegreesPerSteradian;
    }

    /// <summary>Area of a spherical cap of the given radius in square degrees.</summary>
    public static double CircleArea(double radiusDeg) =>
        2 * Math.PI * (1 - Math.Cos(radiusDeg * Deg)) * SquareDegreesPerSteradian;

    /// <summary>The area-weighted centroid of a polygon.</summary>
    public static SkyPoint PolygonCentroid(SkyPolygon polygon)
    {
        var (ra, dec) = CentroidVector(polygon.Vectors()).ToRaDec();
        return new SkyPoint(ra, dec);
    }

    /// <summary>Smallest angle in degrees from a point to the great-circle arc a–b.</summary>
    public static double DistanceToArc(SkyPoint point, SkyPoint a, SkyPoint b) =>
        ArcDistance(point.ToVector(), a.ToVector(), b.ToVector()) / Deg;

    public static bool CircleContainsCircle(SkyCircle outer, SkyCircle inner) =>
        Distance(outer.RaDeg, outer.DecDeg, inner.RaDeg, inner.DecDeg) + inner.RadiusDeg <= outer.RadiusDeg;

    public static bool CirclesIntersect(SkyCircle a, SkyCircle b) =>
        Distance(a.RaDeg, a.DecDeg, b.RaDeg, b.DecDeg) <= a.RadiusDeg + b.RadiusDeg;

    /// <summary>Whether a circle (radius under 90°) contains a polygon: it does when it contains every vertex.</summary>
    public static bool CircleContainsPolygon(SkyCircle circle, SkyPolygon polygon)
    {
        foreach (var v in polygon.Vertices)
        {
            if (!CircleContainsPoint(circle, v))
            {
                return false;
            }
        }
        return true;
    }

    public static bool PolygonContainsCircle(SkyPolygon polygon, SkyCircle circle)
    {
        var center = new SkyPoint(circle.RaDeg, circle.DecDeg);
        if (!PolygonContainsPoint(polygon, center))
        {
            return false;
        }
        var v = polygon.Vertices;
        for (int i = 0; i < v.Count; i++)
        {
            if (DistanceToArc(center, v[i], v[(i + 1) % v.Count]) < circle.RadiusDeg)
            {
                return false;
            }
        }
        return true;
    }

    public static bool CircleIntersectsPolygon(SkyCircle circle, SkyPolygon polygon)
    {
        var center = new SkyPoint(circle.RaDeg, circle.DecDeg);
        if (PolygonContainsPoint(polygon, center))
        {
            return true;
        }
        var v = polygon.Vertices;
        for (int i = 0; i < v.Count; i++)
        {
            if (DistanceToArc(center, v[i], v[(i + 1) % v.Count]) <= circle.RadiusDeg)
            {
                return true;
            }
        }
        return false;
    }

    public static bool PolygonContainsPolygon(SkyPolygon outer, SkyPolygon inner)
    {
        foreach (var v in inner.Vertices)
        {
            if (!PolygonContainsPoint(outer, v))
            {
                return false;
            }
        }
        return !EdgesCross(outer, inner);
    }

    public static bool PolygonsIntersect(SkyPolygon a, SkyPolygon b)
    {
        if (PolygonContainsPoint(a, b.Vertices[0]) || PolygonContainsPoint(b, a.Vertices[0]))
        {
            return true;
        }
        return EdgesCross(a, b);
    }

    private static bool EdgesCross(SkyPolygon a, SkyPolygon b)
    {
        var va = a.Vectors();
        var vb = b.Vectors();
        for (int i = 0; i < va.Length; i++)
        {
            for (int j = 0; j < vb.Length; j++)
            {
                if (ArcsCross(va[i], va[(i + 1) % va.Length], vb[j], vb[(j + 1) % vb.Length]))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool ArcsCross(Vector3 a1, Vector3 a2, Vector3 b1, Vector3 b2)
    {
        var na = a1.Cross(a2);
        var nb = b1.Cross(b2);
        var line = na.Cross(nb);
        if (line.Length < 1e-15)
        {
            return false;
        }
        line = line.Normalized();
        foreach (var x in new[] { line, -1 * line })
        {
            if (OnArc(x, a1, a2) && OnArc(x, b1, b2))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether x, a point on or near the great circle through a and b, lies within the shorter arc a–b.</summary>
    private static bool OnArc(Vector3 x, Vector3 a, Vector3 b)
    {
        const double tolerance = 1e-12;
        double ab = a.AngleTo(b);
        return Math.Abs(a.AngleTo(x) + x.AngleTo(b) - ab) < tolerance;
    }

    private static double ArcDistance(Vector3 p, Vector3 a, Vector3 b)
    {
        var n = a.Cross(b);
        if (n.Length > 1e-15)
        {
            n = n.Normalized();
            // The foot of p on the great circle; inside the arc when it lies between a and b.
            var foot = (p - p.Dot(n) * n).Normalized();
            if (foot.Length > 0 && Math.Abs(a.AngleTo(foot) + foot.AngleTo(b) - a.AngleTo(b)) < 1e-12)
            {
                return Math.Abs(Math.PI / 2 - p.AngleTo(n));
            }
        }
        return Math.Min(p.AngleTo(a), p.AngleTo(b));
    }

    // Signed area of the spherical triangle abc (steradians), positive when counter-clockwise seen from outside.
    private static double SignedTriangleArea(Vector3 a, Vector3 b, Vector3 c)
    {
        double triple = a.Dot(b.Cross(c));
        double denominator = 1 + a.Dot(b) + b.Dot(c) + c.Dot(a);
        return 2 * Math.Atan2(triple, denominator);
    }

    private static Vector3 CentroidVector(Vector3[] v)
    {
        // The first moment of a spherical polygon is half the sum over its edges of (arc length × unit normal);
        // its direction is the exact centroid of the area.
        var sum = new Vector3(0, 0, 0);
        var mean = new Vector3(0, 0, 0);
        for (int i = 0; i < v.Length; i++)
        {
            var a = v[i];
            var b = v[(i + 1) % v.Length];
            var normal = a.Cross(b);
            if (normal.Length > 1e-15)
            {
                sum += a.AngleTo(b) * normal.Normalized();
            }
            mean += a;
        }
        if (sum.Length < 1e-15)
        {
            return mean.Normalized();
        }
        // The orientation of the vertices flips the sign; the centroid is on the polygon's side.
        var centroid = sum.Normalized();
        return centroid.Dot(mean) < 0 ? -1 * centroid : centroid;
    }
}
