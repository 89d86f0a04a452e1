using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Astrolabe.Regions.Detection;

/// <summary>Element-wise arithmetic on float spans with SIMD; the inner loops of smoothing and noise scaling.</summary>
internal static class PlaneArithmetic
{
    /// <summary>destination[i] += weight * source[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(ReadOnlySpan<float> source, float weight, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<float>.Count)
        {
            var w = new Vector<float>(weight);
            var src = MemoryMarshal.Cast<float, Vector<float>>(source);
            var dst = MemoryMarshal.Cast<float, Vector<float>>(destination[..source.Length]);
            for (int v = 0; v < src.Length; v++)
            {
                dst[v] += src[v] * w;
            }
            i = src.Length * Vector<float>.Count;
        }
        for (; i < source.Length; i++)
        {
            destination[i] += weight * source[i];
        }
    }

    /// <summary>destination[i] = weight * source[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(ReadOnlySpan<float> source, float weight, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<float>.Count)
        {
            var w = new Vector<float>(weight);
            var src = MemoryMarshal.Cast<float, Vector<float>>(source);
            var dst = MemoryMarshal.Cast<float, Vector<float>>(destination[..source.Length]);
            for (int v = 0; v < src.Length; v++)
            {
                dst[v] = src[v] * w;
            }
            i = src.Length * Vector<float>.Count;
        }
        for (; i < source.Length; i++)
        {
            destination[i] = weight * source[i];
        }
    }

    /// <summary>destination[i] += entering[i] - leaving[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddDifference(ReadOnlySpan<float> entering, ReadOnlySpan<float> leaving, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && destination.Length >= Vector<float>.Count)
        {
            var enter = MemoryMarshal.Cast<float, Vector<float>>(entering[..destination.Length]);
            var leave = MemoryMarshal.Cast<float, Vector<float>>(leaving[..destination.Length]);
            var dst = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int v = 0; v < dst.Length; v++)
            {
                dst[v] = dst[v] + enter[v] - leave[v];
            }
            i = dst.Length * Vector<float>.Count;
        }
        for (; i < destination.Length; i++)
        {
            destination[i] = destination[i] + entering[i] - leaving[i];
        }
    }

    /// <summary>destination[i] = source[i] * first * second[i] (512-bit vectors where the CPU has them).</summary>
    public static void ScaleMultiply(ReadOnlySpan<float> source, float first, ReadOnlySpan<float> second, Span<float> destination)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            ScaleMultiply<Lanes512, Vector512<float>>(source, first, second, destination);
        }
        else
        {
            ScaleMultiply<LanesOfVector, Vector<float>>(source, first, second, destination);
        }
    }

    /// <summary><see cref="ScaleMultiply(ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/> with the vectors
    /// of <typeparamref name="TLanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScaleMultiply<TLanes, TVector>(ReadOnlySpan<float> source, float first, ReadOnlySpan<float> second, Span<float> destination)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        int n = destination.Length, lanes = TLanes.Count, i = 0;
        var w = TLanes.Broadcast(first);
        ref float s0 = ref MemoryMarshal.GetReference(source[..n]);
        ref float by0 = ref MemoryMarshal.GetReference(second[..n]);
        ref float d0 = ref MemoryMarshal.GetReference(destination);
        for (; i + lanes <= n; i += lanes)
        {
            TLanes.Store(TLanes.Multiply(TLanes.Multiply(TLanes.Load(ref s0, (nuint)i), w), TLanes.Load(ref by0, (nuint)i)), ref d0, (nuint)i);
        }
        for (; i < n; i++)
        {
            destination[i] = source[i] * first * second[i];
        }
    }

    /// <summary>destination[i] -= source[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Subtract(ReadOnlySpan<float> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<float>.Count)
        {
            var src = MemoryMarshal.Cast<float, Vector<float>>(source);
            var dst = MemoryMarshal.Cast<float, Vector<float>>(destination[..source.Length]);
            for (int v = 0; v < src.Length; v++)
            {
                dst[v] -= src[v];
            }
            i = src.Length * Vector<float>.Count;
        }
        for (; i < source.Length; i++)
        {
            destination[i] -= source[i];
        }
    }

    /// <summary>destination[i] += source[i] (512-bit vectors where the CPU has them).</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Add<Lanes512, Vector512<float>>(source, destination);
        }
        else
        {
            Add<LanesOfVector, Vector<float>>(source, destination);
        }
    }

    /// <summary><see cref="Add(ReadOnlySpan{float}, Span{float})"/> with the vectors of <typeparamref name="TLanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Add<TLanes, TVector>(ReadOnlySpan<float> source, Span<float> destination)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        int n = source.Length, lanes = TLanes.Count, i = 0;
        ref float s0 = ref MemoryMarshal.GetReference(source);
        ref float d0 = ref MemoryMarshal.GetReference(destination[..n]);
        for (; i + lanes <= n; i += lanes)
        {
            TLanes.Store(TLanes.Add(TLanes.Load(ref d0, (nuint)i), TLanes.Load(ref s0, (nuint)i)), ref d0, (nuint)i);
        }
        for (; i < n; i++)
        {
            destination[i] += source[i];
        }
    }

    /// <summary>values[i] *= factors[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(Span<float> values, ReadOnlySpan<float> factors)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var v = MemoryMarshal.Cast<float, Vector<float>>(values);
            var f = MemoryMarshal.Cast<float, Vector<float>>(factors[..values.Length]);
            for (int k = 0; k < v.Length; k++)
            {
                v[k] *= f[k];
            }
            i = v.Length * Vector<float>.Count;
        }
        for (; i < values.Length; i++)
        {
            values[i] *= factors[i];
        }
    }
}
