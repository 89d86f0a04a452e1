namespace Astrolabe.Sky;

/// <summary>A direction on the unit sphere (or any 3-vector), used for exact spherical geometry.</summary>
public readonly record struct Vector3(double X, double Y, double Z)
{
    /// <summary>The unit vector pointing at (raDeg, decDeg).</summary>
    public static Vector3 FromRaDec(double raDeg, double decDeg)
    {
        double ra = raDeg * Math.PI / 180, dec = decDeg * Math.PI / 180;
        double cosDec = Math.Cos(dec);
        return new Vector3(cosDec * Math.Cos(ra), cosDec * Math.Sin(ra), Math.Sin(dec));
    }

    /// <summary>(ra, dec) in degrees, ra in [0, 360).</summary>
    public (double RaDeg, double DecDeg) ToRaDec()
    {
        double ra = Math.Atan2(Y, X) * 180 / Math.PI;
        if (ra < 0)
        {
            ra += 360;
        }
        if (ra >= 360)
        {
            ra -= 360;
        }
        double dec = Math.Atan2(Z, Math.Sqrt(X * X + Y * Y)) * 180 / Math.PI;
        return (ra, dec);
    }

    public double Dot(Vector3 o) => X * o.X + Y * o.Y + Z * o.Z;

    public Vector3 Cross(Vector3 o) => new(Y * o.Z - Z * o.Y, Z * o.X - X * o.Z, X * o.Y - Y * o.X);

    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);

    public Vector3 Normalized()
    {
        double l = Length;
        return l == 0 ? this : new Vector3(X / l, Y / l, Z / l);
    }

    public static Vector3 operator +(Vector3 a, Vector3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vector3 operator -(Vector3 a, Vector3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vector3 operator *(double s, Vector3 a) => new(s * a.X, s * a.Y, s * a.Z);

    /// <summary>Angle between two directions in radians, accurate at all separations.</summary>
    public double AngleTo(Vector3 o) => Math.Atan2(Cross(o).Length, Dot(o));
}
