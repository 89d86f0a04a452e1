namespace Astrolabe.Fits;

/// <summary>
/// Conversions between ICRS, FK5 (equinox J2000) and Galactic coordinates, as fixed rotations:
/// ICRS → FK5 J2000 is the frame-bias rotation of USNO Circular 179 (Kaplan 2005: η₀ = −19.9 mas, ξ₀ = 9.1 mas,
/// dα₀ = −22.9 mas, as astropy uses), FK5 J2000 → Galactic uses the north Galactic pole (α, δ) = (192.8594812065348°,
/// 27.12825118085622°) and the longitude of the north celestial pole l = 122.9319185680026°, the J2000 values
/// of the 1958 IAU definition.
/// </summary>
public static class FrameConversion
{
    private const double D2R = Math.PI / 180.0;
    private const double Arcsec = D2R / 3600.0;

    private static readonly double[,] IcrsToFk5 = Bias();
    private static readonly double[,] Fk5ToGalactic = Multiply(
        RotZ((180.0 - 122.9319185680026) * D2R),
        Multiply(RotY((90.0 - 27.12825118085622) * D2R), RotZ(192.8594812065348 * D2R)));
    private static readonly double[,] IcrsToGalactic = Multiply(Fk5ToGalactic, IcrsToFk5);

    /// <summary>Converts (lon, lat) in degrees between two of ICRS, FK5 (J2000) and Galactic.</summary>
    public static (double LonDeg, double LatDeg) Convert(double lonDeg, double latDeg, CelestialFrame from, CelestialFrame to)
    {
        if (from == to) return (lonDeg, latDeg);
        var v = ToVector(lonDeg, latDeg);
        v = Apply(Transpose(ToIcrs(from)), v); // into ICRS: inverse of ICRS→from
        v = Apply(ToIcrs(to), v);              // ICRS→to
        return FromVector(v);
    }

    /// <summary>The rotation taking ICRS vectors to this frame.</summary>
    private static double[,] ToIcrs(CelestialFrame frame) => frame switch
    {
        CelestialFrame.Icrs => Identity(),
        CelestialFrame.Fk5 => IcrsToFk5,
        CelestialFrame.Galactic => IcrsToGalactic,
        _ => throw new NotSupportedException($"Conversion from or to {frame} is not supported (ICRS, FK5 J2000, Galactic are)."),
    };

    private static double[,] Bias()
    {
        const double eta0 = -0.0199 * Arcsec;
        const double xi0 = 0.0091 * Arcsec;
        const double da0 = -0.0229 * Arcsec;
        return Multiply(RotX(-eta0), Multiply(RotY(xi0), RotZ(da0)));
    }

    // Rotations of the coordinate frame (passive), as in the IAU SOFA conventions.
    private static double[,] RotX(double a) => new[,] { { 1, 0, 0 }, { 0, Math.Cos(a), Math.Sin(a) }, { 0, -Math.Sin(a), Math.Cos(a) } };
    private static double[,] RotY(double a) => new[,] { { Math.Cos(a), 0, -Math.Sin(a) }, { 0, 1, 0 }, { Math.Sin(a), 0, Math.Cos(a) } };
    private static double[,] RotZ(double a) => new[,] { { Math.Cos(a), Math.Sin(a), 0 }, { -Math.Sin(a), Math.Cos(a), 0 }, { 0, 0, 1 } };
    private static double[,] Identity() => new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var r = new double[3, 3];
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                for (var k = 0; k < 3; k++) r[i, j] += a[i, k] * b[k, j];
        return r;
    }

    private static double[,] Transpose(double[,] a)
    {
        var r = new double[3, 3];
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++) r[i, j] = a[j, i];
        return r;
    }

    private static double[] Apply(double[,] m, double[] v) =>
    [
        m[0, 0] * v[0] + m[0, 1] * v[1] + m[0, 2] * v[2],
        m[1, 0] * v[0] + m[1, 1] * v[1] + m[1, 2] * v[2],
        m[2, 0] * v[0] + m[2, 1] * v[1] + m[2, 2] * v[2],
    ];

    private static double[] ToVector(double lonDeg, double latDeg)
    {
        var lon = lonDeg * D2R;
        var lat = latDeg * D2R;
        return [Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat)];
    }

    private static (double, double) FromVector(double[] v)
    {
        var lon = Math.Atan2(v[1], v[0]) / D2R;
        if (lon < 0) lon += 360.0;
        var lat = Math.Atan2(v[2], Math.Sqrt(v[0] * v[0] + v[1] * v[1])) / D2R;
        return (lon, lat);
    }
}
