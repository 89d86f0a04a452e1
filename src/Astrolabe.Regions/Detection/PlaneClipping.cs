using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Astrolabe.Regions.Detection;

/// <summary>The clip's inner loops: mark the voxels of a slice above a level, alone or while a running boxcar sum is
/// brought up to date.</summary>
/// <remarks>Most voxels are below the level: a vector at a time is compared, and only a vector with a voxel above is
/// looked at closer. A NaN level marks nothing.</remarks>
internal static class PlaneClipping
{
    /// <summary>mask[i] = <paramref name="detected"/> where values[i] &gt; level and mask[i] is <paramref name="empty"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MarkAbove(ReadOnlySpan<float> values, float level, Span<byte> mask, byte empty, byte detected)
    {
        if (float.IsNaN(level))
        {
            return;
        }
        var limit = new Vector<float>(level);
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        int lanes = Vector<float>.Count;
        for (int v = 0; v < vectors.Length; v++)
        {
            if (Vector.GreaterThanAny(vectors[v], limit))
            {
                Mark(values, mask, v * lanes, (v + 1) * lanes, level, empty, detected);
            }
        }
        Mark(values, mask, vectors.Length * lanes, values.Length, level, empty, detected);
    }

    /// <summary>sum[i] += entering[i] - leaving[i] (as <see cref="PlaneArithmetic.AddDifference"/>), and
    /// mask[i] = <paramref name="detected"/> where the new sum[i] &gt; level and mask[i] is <paramref name="empty"/>, in one
    /// loop: the sum is compared while it is in a register instead of read back from the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddDifferenceMarkAbove(ReadOnlySpan<float> entering, ReadOnlySpan<float> leaving, Span<float> sum, float level,
        Span<byte> mask, byte empty, byte detected)
    {
        int n = sum.Length, lanes = Vector<float>.Count, i = 0;
        var limit = new Vector<float>(level);
        ref float e0 = ref MemoryMarshal.GetReference(entering[..n]);
        ref float l0 = ref MemoryMarshal.GetReference(leaving[..n]);
        ref float s0 = ref MemoryMarshal.GetReference(sum);
        for (; i + lanes <= n; i += lanes)
        {
            var value = Vector.LoadUnsafe(ref s0, (nuint)i) + Vector.LoadUnsafe(ref e0, (nuint)i) - Vector.LoadUnsafe(ref l0, (nuint)i);
            value.StoreUnsafe(ref s0, (nuint)i);
            // A NaN limit compares false everywhere.
            if (Vector.GreaterThanAny(value, limit))
            {
                Mark(sum, mask, i, i + lanes, level, empty, detected);
            }
        }
        for (; i < n; i++)
        {
            sum[i] = sum[i] + entering[i] - leaving[i];
        }
        if (!float.IsNaN(level))
        {
            Mark(sum, mask, n / lanes * lanes, n, level, empty, detected);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Mark(ReadOnlySpan<float> values, Span<byte> mask, int from, int to, float level, byte empty, byte detected)
    {
        for (int i = from; i < to; i++)
        {
            if (values[i] > level && mask[i] == empty)
            {
                mask[i] = detected;
            }
        }
    }
}
