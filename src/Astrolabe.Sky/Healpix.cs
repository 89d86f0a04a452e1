namespace Astrolabe.Sky;

/// <summary>HEALPix in the NESTED scheme (Górski et al. 2005): positions to pixels and cones to pixel ranges.</summary>
public static class Healpix
{
    public const int MaxOrder = 29;

    // Face layout of the 12 base pixels: ring row (in units of nside) and longitude index of each face's corner.
    private static readonly int[] FaceRow = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
    private static readonly int[] FaceColumn = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];

    public static long Nside(int order) => 1L << order;

    public static long PixelCount(int order) => 12L << (2 * order);

    /// <summary>The NESTED pixel at <paramref name="order"/> that contains (raDeg, decDeg).</summary>
    public static long AngToPix(int order, double raDeg, double decDeg)
    {
        CheckOrder(order);
        if (!double.IsFinite(raDeg) || !(decDeg is >= -90 and <= 90))
        {
            throw new ArgumentOutOfRangeException(nameof(decDeg), $"({raDeg}, {decDeg}) is not a position in degrees (dec within ±90)");
        }
        long nside = Nside(order);
        double z = Math.Sin(decDeg * Math.PI / 180);
        double za = Math.Abs(z);
        double tt = raDeg / 90.0 % 4.0;
        if (tt < 0)
        {
            tt += 4.0;
        }
        if (tt >= 4.0)
        {
            tt = 0;
        }
        long face, ix, iy;
        if (za <= 2.0 / 3.0)
        {
            double t1 = nside * (0.5 + tt);
            double t2 = nside * z * 0.75;
            long jp = (long)(t1 - t2);
            long jm = (long)(t1 + t2);
            long ifp = jp >> order;
            long ifm = jm >> order;
            face = ifp == ifm ? (ifp | 4) : (ifp < ifm ? ifp : ifm + 8);
            ix = jm & (nside - 1);
            iy = nside - (jp & (nside - 1)) - 1;
        }
        else
        {
            int ntt = Math.Min(3, (int)tt);
            double tp = tt - ntt;
            // sqrt(3(1 - |z|)) written with cos(dec) so it keeps its precision near the poles.
            double cosDec = Math.Cos(decDeg * Math.PI / 180);
            double tmp = nside * Math.Sqrt(3 * cosDec * cosDec / (1 + za));
            long jp = Math.Min((long)(tp * tmp), nside - 1);
            long jm = Math.Min((long)((1.0 - tp) * tmp), nside - 1);
            if (z >= 0)
            {
                face = ntt;
                ix = nside - jm - 1;
                iy = nside - jp - 1;
            }
            else
            {
                face = ntt + 8;
                ix = jp;
                iy = jm;
            }
        }
        return (face << (2 * order)) + Interleave(ix, iy);
    }

    /// <summary>The centre of a NESTED pixel, in degrees.</summary>
    public static SkyPoint PixToAng(int order, long pixel)
    {
        var (face, ix, iy) = Decompose(order, pixel);
        double nside = Nside(order);
        var (ra, dec) = FacePointToVector(face, (ix + 0.5) / nside, (iy + 0.5) / nside).ToRaDec();
        return new SkyPoint(ra, dec);
    }

    /// <summary>Pixel ranges [first, last] at <paramref name="order"/> covering the cone: every pixel that
    /// touches the cone is in a range (some pixels just outside may be too). At most about
    /// <paramref name="maxRanges"/> ranges: for large cones the cover is computed at a coarser order and
    /// widened, which stays conservative.</summary>
    public static IReadOnlyList<(long First, long Last)> ConeRanges(
        int order, double raDeg, double decDeg, double radiusDeg, int maxRanges = 64)
    {
        CheckOrder(order);
        var ranges = new List<(long, long)>();
        if (radiusDeg < 0 || double.IsNaN(radiusDeg))
        {
            return ranges;
        }
        if (radiusDeg >= 180)
        {
            ranges.Add((0, PixelCount(order) - 1));
            return ranges;
        }
        // Boundary pixels at order k number about 2πr / (pixel size), pixel size ≈ 58.6° / 2^k.
        int searchOrder = order;
        while (searchOrder > 0 && 2 * Math.PI * radiusDeg / (58.6 / (1L << searchOrder)) > maxRanges)
        {
            searchOrder--;
        }
        var center = Vector3.FromRaDec(raDeg, decDeg);
        double radius = radiusDeg * Math.PI / 180;
        for (int face = 0; face < 12; face++)
        {
            Cover(0, face, searchOrder, order, center, radius, ranges);
        }
        ranges.Sort();
        var merged = new List<(long First, long Last)>();
        foreach (var (first, last) in ranges)
        {
            if (merged.Count > 0 && merged[^1].Last + 1 >= first)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, last));
            }
            else
            {
                merged.Add((first, last));
            }
        }
        return merged;
    }

    private static void Cover(int k, long pixel, int searchOrder, int order, Vector3 center, double radius,
        List<(long, long)> ranges)
    {
        var (pixelCenter, pixelRadius) = BoundingCap(k, pixel);
        double d = center.AngleTo(pixelCenter);
        if (d - pixelRadius > radius)
        {
            return;
        }
        if (k == searchOrder || d + pixelRadius <= radius)
        {
            int shift = 2 * (order - k);
            ranges.Add((pixel << shift, ((pixel + 1) << shift) - 1));
            return;
        }
        for (long child = 4 * pixel; child < 4 * pixel + 4; child++)
        {
            Cover(k + 1, child, searchOrder, order, center, radius, ranges);
        }
    }

    // A cap around the pixel centre containing the whole pixel: the farthest of its corners and edge points,
    // widened because the edges between sampled points bulge slightly. Distances are compared as chords (exact for
    // small pixels, no trigonometry per point); one asin turns the longest into an angle.
    private static (Vector3 Center, double Radius) BoundingCap(int order, long pixel)
    {
        var (face, ix, iy) = Decompose(order, pixel);
        double nside = Nside(order);
        var c = FacePointToVector(face, (ix + 0.5) / nside, (iy + 0.5) / nside);
        double maxChord2 = 0;
        void Consider(double x, double y)
        {
            var d = FacePointToVector(face, (ix + x) / nside, (iy + y) / nside) - c;
            maxChord2 = Math.Max(maxChord2, d.Dot(d));
        }
        const int samples = 4;
        for (int s = 0; s <= samples; s++)
        {
            double t = (double)s / samples;
            Consider(t, 0);
            Consider(t, 1);
            Consider(0, t);
            Consider(1, t);
        }
        double max = 2 * Math.Asin(Math.Min(1, Math.Sqrt(maxChord2) / 2));
        return (c, max * 1.1 + 1e-12);
    }

    private static Vector3 FacePointToVector(long face, double x, double y)
    {
        // x, y in [0, 1] across the base face; the face's corner row and longitude come from the layout tables.
        double jr = FaceRow[face] - x - y;
        double nr, z;
        double? sinTheta = null;
        if (jr < 1)
        {
            nr = jr;
            double t = nr * nr / 3;
            z = 1 - t;
            sinTheta = Math.Sqrt(t * (2 - t));
        }
        else if (jr > 3)
        {
            nr = 4 - jr;
            double t = nr * nr / 3;
            z = t - 1;
            sinTheta = Math.Sqrt(t * (2 - t));
        }
        else
        {
            nr = 1;
            z = (2 - jr) * 2 / 3;
        }
        double tmp = FaceColumn[face] * nr + x - y;
        if (tmp < 0)
        {
            tmp += 8;
        }
        if (tmp >= 8)
        {
            tmp -= 8;
        }
        double phi = nr < 1e-15 ? 0 : 0.25 * Math.PI * tmp / nr;
        double st = sinTheta ?? Math.Sqrt((1 - z) * (1 + z));
        return new Vector3(st * Math.Cos(phi), st * Math.Sin(phi), z);
    }

    private static (long Face, long Ix, long Iy) Decompose(int order, long pixel)
    {
        CheckOrder(order);
        if (pixel < 0 || pixel >= PixelCount(order))
        {
            throw new ArgumentOutOfRangeException(nameof(pixel), $"pixel {pixel} is outside order {order}");
        }
        long face = pixel >> (2 * order);
        long local = pixel & ((1L << (2 * order)) - 1);
        return (face, Compact(local), Compact(local >> 1));
    }

    private static long Interleave(long x, long y) => Spread(x) | (Spread(y) << 1);

    private static long Spread(long v)
    {
        ulong x = (ulong)v & 0xFFFFFFFFUL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        x = (x | (x << 1)) & 0x5555555555555555UL;
        return (long)x;
    }

    private static long Compact(long v)
    {
        ulong x = (ulong)v & 0x5555555555555555UL;
        x = (x | (x >> 1)) & 0x3333333333333333UL;
        x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x >> 4)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x >> 8)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x >> 16)) & 0x00000000FFFFFFFFUL;
        return (long)x;
    }

    private static void CheckOrder(int order)
    {
        if (order < 0 || order > MaxOrder)
        {
            throw new ArgumentOutOfRangeException(nameof(order), $"HEALPix order must be 0..{MaxOrder}, not {order}");
        }
    }
}
