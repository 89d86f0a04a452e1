using System.Runtime.CompilerServices;

namespace Astrolabe.Regions.Detection;

/// <summary>Convex hull area of a point set (Andrew's monotone chain).</summary>
internal static class ConvexHull
{
    /// <summary>Area of the convex hull of <paramref name="points"/> (which is sorted in place); <paramref name="hull"/> is scratch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Area(List<(double X, double Y)> points, List<(double X, double Y)> hull)
    {
        if (points.Count < 3)
        {
            return 0;
        }
        points.Sort(static (a, b) => a.X != b.X ? a.X.CompareTo(b.X) : a.Y.CompareTo(b.Y));
        hull.Clear();
        for (int i = 0; i < points.Count; i++)
        {
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], points[i]) <= 0)
            {
                hull.RemoveAt(hull.Count - 1);
            }
            hull.Add(points[i]);
        }
        int lower = hull.Count + 1;
        for (int i = points.Count - 2; i >= 0; i--)
        {
            while (hull.Count >= lower && Cross(hull[^2], hull[^1], points[i]) <= 0)
            {
                hull.RemoveAt(hull.Count - 1);
            }
            hull.Add(points[i]);
        }
        hull.RemoveAt(hull.Count - 1);
        double twiceArea = 0;
        for (int i = 0; i < hull.Count; i++)
        {
            var a = hull[i];
            var b = hull[(i + 1) % hull.Count];
            twiceArea += a.X * b.Y - b.X * a.Y;
        }
        return Math.Abs(twiceArea) / 2;
    }

    private static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
        (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
}
