using System.Runtime.CompilerServices;

namespace Astrolabe.Regions.Detection;

/// <summary>Scratch map of the sky pixels one region covers: counts its projected area and the area of the convex hull
/// of those pixels, then clears itself for the next region. Allocated once per cube.</summary>
internal sealed class RegionFootprint
{
    private readonly int _width;
    private readonly bool[] _covered;
    private readonly int[] _rowMin;
    private readonly int[] _rowMax;
    private readonly List<(double X, double Y)> _corners = new();
    private readonly List<(double X, double Y)> _hull = new();

    public RegionFootprint(int width, int height)
    {
        _width = width;
        _covered = new bool[width * height];
        _rowMin = new int[height];
        _rowMax = new int[height];
        Array.Fill(_rowMin, int.MaxValue);
        Array.Fill(_rowMax, -1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int x, int y)
    {
        _covered[y * _width + x] = true;
        if (x < _rowMin[y]) _rowMin[y] = x;
        if (x > _rowMax[y]) _rowMax[y] = x;
    }

    /// <summary>Returns (distinct pixels, convex hull area in pixels) for the rows minY..maxY and resets them.</summary>
    public (int Area, double Hull) TakeAreaAndHull(int minY, int maxY)
    {
        int area = 0;
        _corners.Clear();
        for (int y = minY; y <= maxY; y++)
        {
            int lo = _rowMin[y], hi = _rowMax[y];
            if (hi < 0)
            {
                continue;
            }
            Span<bool> row = _covered.AsSpan(y * _width + lo, hi - lo + 1);
            for (int i = 0; i < row.Length; i++)
            {
                if (row[i])
                {
                    area++;
                    row[i] = false;
                }
            }
            // Only a row's outermost pixel corners can be hull vertices.
            _corners.Add((lo - 0.5, y - 0.5));
            _corners.Add((lo - 0.5, y + 0.5));
            _corners.Add((hi + 0.5, y - 0.5));
            _corners.Add((hi + 0.5, y + 0.5));
            _rowMin[y] = int.MaxValue;
            _rowMax[y] = -1;
        }
        return (area, ConvexHull.Area(_corners, _hull));
    }
}
