using System.Runtime.CompilerServices;
namespace Astrolabe.Regions.Detection;

/// <summary>Links mask voxels into 3-D regions a channel at a time: voxels within the merge radius (in x, y and channel)
/// join the same region. Union-find over labels, with only the last few channels' labels kept, so memory is a few planes
/// plus the detected voxels themselves.</summary>
internal sealed class RegionLinker
{
    /// <summary>One detected voxel: position, data value and S/N, and the label it was given.</summary>
    internal readonly record struct Voxel(int X, int Y, int Z, float Value, float Snr, int Label);

    private readonly int _width, _height, _radiusPixels, _radiusChannels;
    private readonly int[][] _labels;
    /// <summary>Per label plane, the run of <see cref="_voxels"/> whose labels it holds: only those are cleared for reuse.</summary>
    private readonly (int First, int Count)[] _written;
    private readonly List<int> _parent = [0];
    private Voxel[] _voxels = new Voxel[4096];
    private int _count;

    public RegionLinker(int width, int height, int radiusPixels, int radiusChannels)
    {
        _width = width;
        _height = height;
        _radiusPixels = radiusPixels;
        _radiusChannels = radiusChannels;
        _labels = Enumerable.Range(0, radiusChannels + 1).Select(_ => PlanePool.Rent<int>(width * height, zeroed: true)).ToArray();
        _written = new (int, int)[_labels.Length];
    }

    /// <summary>Adds channel <paramref name="z"/>'s mask (channels in increasing order): every voxel equal to
    /// <paramref name="detected"/> joins the regions of its already-seen neighbours, or starts a new one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int z, byte[] mask, byte detected, float[] data, float[] snr)
    {
        int width = _width, rx = _radiusPixels;
        int slot = z % _labels.Length;
        int[] labels = _labels[slot];
        // Clear what the plane's earlier channel labelled (a few voxels, not the whole plane, unless it was most of it).
        var (written, writtenCount) = _written[slot];
        if (writtenCount > labels.Length / 16)
        {
            Array.Clear(labels);
        }
        else
        {
            for (int m = written; m < written + writtenCount; m++)
            {
                labels[_voxels[m].Y * width + _voxels[m].X] = 0;
            }
        }
        int firstVoxel = _count;
        int start = 0;
        while (start < mask.Length)
        {
            int offset = mask.AsSpan(start).IndexOf(detected);
            if (offset < 0)
            {
                break;
            }
            int i = start + offset;
            start = i + 1;
            int y = i / width, x = i - y * width;
            int x0 = Math.Max(0, x - rx), x1 = Math.Min(width - 1, x + rx);
            int y0 = Math.Max(0, y - rx), y1 = Math.Min(_height - 1, y + rx);
            int root = 0;
            // Earlier channels: the whole neighbourhood; this channel: only the voxels before this one in scan order.
            for (int dz = 1; dz <= _radiusChannels && z - dz >= 0; dz++)
            {
                int[] earlier = _labels[(z - dz) % _labels.Length];
                for (int yy = y0; yy <= y1; yy++)
                {
                    root = JoinRow(root, earlier.AsSpan(yy * width + x0, x1 - x0 + 1));
                }
            }
            for (int yy = y0; yy < y; yy++)
            {
                root = JoinRow(root, labels.AsSpan(yy * width + x0, x1 - x0 + 1));
            }
            root = JoinRow(root, labels.AsSpan(y * width + x0, x - x0));
            if (root == 0)
            {
                root = _parent.Count;
                _parent.Add(root);
            }
            labels[i] = root;
            if (_count == _voxels.Length)
            {
                Array.Resize(ref _voxels, _voxels.Length * 2);
            }
            _voxels[_count++] = new Voxel(x, y, z, data[i], snr[i], root);
        }
        _written[slot] = (firstVoxel, _count - firstVoxel);
    }

    /// <summary>Hands the label planes to <see cref="PlanePool"/> once every channel is added (<see cref="Regions"/> does
    /// not use them).</summary>
    public void ReturnLabels() => PlanePool.Return(_labels);

    /// <summary>The regions, each as its voxels in scan order, ordered by their first voxel in scan order.</summary>

    public List<ArraySegment<Voxel>> Regions()
    {
        var regionOf = new int[_parent.Count];
        Array.Fill(regionOf, -1);
        var firstCounts = new List<int>();
        var region = new int[_count];
        for (int m = 0; m < _count; m++)
        {
            int root = Find(_voxels[m].Label);
            if (regionOf[root] < 0)
            {
                regionOf[root] = firstCounts.Count;
                firstCounts.Add(0);
            }
            region[m] = regionOf[root];
            firstCounts[region[m]]++;
        }
        // Counting sort by region keeps each region's voxels in scan order.
        var offsets = new int[firstCounts.Count + 1];
        for (int r = 0; r < firstCounts.Count; r++)
        {
            offsets[r + 1] = offsets[r] + firstCounts[r];
        }
        var sorted = new Voxel[_count];
        var fill = (int[])offsets.Clone();
        for (int m = 0; m < _count; m++)
        {
            sorted[fill[region[m]]++] = _voxels[m];
        }
        var result = new List<ArraySegment<Voxel>>(firstCounts.Count);
        for (int r = 0; r < firstCounts.Count; r++)
        {
            result.Add(new ArraySegment<Voxel>(sorted, offsets[r], firstCounts[r]));
        }
        return result;
    }

    // Inlined into Add (compiled optimised at once): on its own it stayed at tier 0 under perf.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int JoinRow(int root, ReadOnlySpan<int> row)
    {
        // Neighbours inside a region mostly carry the same label: a label equal to the last one joined is already in.
        int last = 0;
        foreach (int label in row)
        {
            if (label != 0 && label != last)
            {
                root = Join(root, label);
                last = label;
            }
        }
        return root;
    }

    /// <summary>Merges the set of <paramref name="label"/> into <paramref name="root"/> (0: none yet); the smaller id stays root.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Join(int root, int label)
    {
        int other = Find(label);
        if (root == 0 || other == root)
        {
            return other;
        }
        if (other < root)
        {
            _parent[root] = other;
            return other;
        }
        _parent[other] = root;
        return root;
    }

    // Hot and loop-bearing: compiled optimised at once rather than left at tier 0 (it stayed there under perf).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Find(int label)
    {
        while (_parent[label] != label)
        {
            int up = _parent[_parent[label]];
            _parent[label] = up;
            label = up;
        }
        return label;
    }
}
