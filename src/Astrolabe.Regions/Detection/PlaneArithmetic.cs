using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

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

    /// <summary>destination[i] = source[i] * first * second[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleMultiply(ReadOnlySpan<float> source, float first, ReadOnlySpan<float> second, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && destination.Length >= Vector<float>.Count)
        {
            var w = new Vector<float>(first);
            var src = MemoryMarshal.Cast<float, Vector<float>>(source[..destination.Length]);
            var by = MemoryMarshal.Cast<float, Vector<float>>(second[..destination.Length]);
            var dst = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int v = 0; v < dst.Length; v++)
            {
                dst[v] = src[v] * w * by[v];
            }
            i = dst.Length * Vector<float>.Count;
        }
        for (; i < destination.Length; i++)
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

    /// <summary>destination[i] += source[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && source.Length >= Vector<float>.Count)
        {
            var src = MemoryMarshal.Cast<float, Vector<float>>(source);
            var dst = MemoryMarshal.Cast<float, Vector<float>>(destination[..source.Length]);
            for (int v = 0; v < src.Length; v++)
            {
                dst[v] += src[v];
            }
            i = src.Length * Vector<float>.Count;
        }
        for (; i < source.Length; i++)
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
