namespace Astrolabe.Sky;

/// <summary>A position on the sky in degrees.</summary>
public readonly record struct SkyPoint(double RaDeg, double DecDeg)
{
    public Vector3 ToVector() => Vector3.FromRaDec(RaDeg, DecDeg);
}

/// <summary>A spherical cap: centre and radius in degrees.</summary>
public readonly record struct SkyCircle(double RaDeg, double DecDeg, double RadiusDeg);

/// <summary>A spherical polygon with great-circle edges between consecutive vertices (closed implicitly).</summary>
public sealed class SkyPolygon
{
    private Vector3[]? _vectors;

    public SkyPolygon(IReadOnlyList<SkyPoint> vertices)
    {
        if (vertices.Count < 3)
        {
            throw new ArgumentException("a polygon needs at least 3 vertices", nameof(vertices));
        }
        Vertices = vertices;
    }

    public IReadOnlyList<SkyPoint> Vertices { get; }

    /// <summary>A polygon from a flat list ra1, dec1, ra2, dec2, ... in degrees.</summary>
    public static SkyPolygon FromCoordinates(ReadOnlySpan<double> raDecPairs)
    {
        var points = new SkyPoint[raDecPairs.Length / 2];
        for (int i = 0; i < points.Length; i++)
        {
            points[i] = new SkyPoint(raDecPairs[2 * i], raDecPairs[2 * i + 1]);
        }
        return new SkyPolygon(points);
    }

    internal Vector3[] Vectors()
    {
        if (_vectors is null)
        {
            var v = new Vector3[Vertices.Count];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = Vertices[i].ToVector();
            }
            _vectors = v;
        }
        return _vectors;
    }
}
