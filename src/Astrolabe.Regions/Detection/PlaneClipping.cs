using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Astrolabe.Regions.Detection;

/// <summary>The clip's inner loops: mark the voxels of a slice above a level, alone or while a running boxcar sum is
/// brought up to date.</summary>
/// <remarks>Most voxels are below the level: a vector at a time is compared (512-bit vectors where the CPU has them),
/// and only a vector with a voxel above is looked at closer. A NaN level marks nothing.</remarks>
internal static class PlaneClipping
{
    /// <summary>mask[i] = <paramref name="detected"/> where values[i] &gt; level and mask[i] is <paramref name="empty"/>.</summary>
    public static void MarkAbove(ReadOnlySpan<float> values, float level, Span<byte> mask, byte empty, byte detected)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            MarkAbove<Lanes512, Vector512<float>>(values, level, mask, empty, detected);
        }
        else
        {
            MarkAbove<LanesOfVector, Vector<float>>(values, level, mask, empty, detected);
        }
    }

    /// <summary><see cref="MarkAbove(ReadOnlySpan{float}, float, Span{byte}, byte, byte)"/> with the vectors of
    /// <typeparamref name="TLanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MarkAbove<TLanes, TVector>(ReadOnlySpan<float> values, float level, Span<byte> mask, byte empty, byte detected)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        if (float.IsNaN(level))
        {
            return;
        }
        var limit = TLanes.Broadcast(level);
        int n = values.Length, lanes = TLanes.Count, i = 0;
        ref float v0 = ref MemoryMarshal.GetReference(values);
        for (; i + lanes <= n; i += lanes)
        {
            if (TLanes.GreaterThanAny(TLanes.Load(ref v0, (nuint)i), limit))
            {
                Mark(values, mask, i, i + lanes, level, empty, detected);
            }
        }
        Mark(values, mask, i, n, level, empty, detected);
    }

    /// <summary>sum[i] += entering[i] - leaving[i] (as <see cref="PlaneArithmetic.AddDifference"/>), and
    /// mask[i] = <paramref name="detected"/> where the new sum[i] &gt; level and mask[i] is <paramref name="empty"/>, in one
    /// loop: the sum is compared while it is in a register instead of read back from the cache.</summary>
    public static void AddDifferenceMarkAbove(ReadOnlySpan<float> entering, ReadOnlySpan<float> leaving, Span<float> sum, float level,
        Span<byte> mask, byte empty, byte detected)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            AddDifferenceMarkAbove<Lanes512, Vector512<float>>(entering, leaving, sum, level, mask, empty, detected);
        }
        else
        {
            AddDifferenceMarkAbove<LanesOfVector, Vector<float>>(entering, leaving, sum, level, mask, empty, detected);
        }
    }

    /// <summary><see cref="AddDifferenceMarkAbove(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, float, Span{byte}, byte, byte)"/>
    /// with the vectors of <typeparamref name="TLanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddDifferenceMarkAbove<TLanes, TVector>(ReadOnlySpan<float> entering, ReadOnlySpan<float> leaving, Span<float> sum,
        float level, Span<byte> mask, byte empty, byte detected)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        int n = sum.Length, lanes = TLanes.Count, i = 0;
        var limit = TLanes.Broadcast(level);
        ref float e0 = ref MemoryMarshal.GetReference(entering[..n]);
        ref float l0 = ref MemoryMarshal.GetReference(leaving[..n]);
        ref float s0 = ref MemoryMarshal.GetReference(sum);
        for (; i + lanes <= n; i += lanes)
        {
            var value = TLanes.Subtract(TLanes.Add(TLanes.Load(ref s0, (nuint)i), TLanes.Load(ref e0, (nuint)i)), TLanes.Load(ref l0, (nuint)i));
            TLanes.Store(value, ref s0, (nuint)i);
            // A NaN limit compares false everywhere.
            if (TLanes.GreaterThanAny(value, limit))
            {
                Mark(sum, mask, i, i + lanes, level, empty, detected);
            }
        }
        int vectorEnd = i;
        for (; i < n; i++)
        {
            sum[i] = sum[i] + entering[i] - leaving[i];
        }
        if (!float.IsNaN(level))
        {
            Mark(sum, mask, vectorEnd, n, level, empty, detected);
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
