using System.Numerics;
using System.Runtime.InteropServices;

namespace Astrolabe.Regions.Detection;

/// <summary>Element-wise arithmetic on float spans with SIMD; the inner loops of smoothing and noise scaling.</summary>
internal static class PlaneArithmetic
{
    /// <summary>destination[i] += weight * source[i].</summary>
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

    /// <summary>destination[i] += add[i] - subtract[i].</summary>
    public static void AddSubtract(ReadOnlySpan<float> add, ReadOnlySpan<float> subtract, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && add.Length >= Vector<float>.Count)
        {
            var a = MemoryMarshal.Cast<float, Vector<float>>(add);
            var s = MemoryMarshal.Cast<float, Vector<float>>(subtract[..add.Length]);
            var d = MemoryMarshal.Cast<float, Vector<float>>(destination[..add.Length]);
            for (int v = 0; v < a.Length; v++)
            {
                d[v] += a[v] - s[v];
            }
            i = a.Length * Vector<float>.Count;
        }
        for (; i < add.Length; i++)
        {
            destination[i] += add[i] - subtract[i];
        }
    }

    /// <summary>destination[i] += source[i].</summary>
    public static void Add(ReadOnlySpan<float> source, Span<float> destination) => MultiplyAdd(source, 1f, destination);

    /// <summary>values[i] *= factors[i].</summary>
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

    /// <summary>Replaces NaN (and infinities) by zero so they add nothing to a smoothing sum.</summary>
    public static void ZeroNonFinite(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                values[i] = 0f;
            }
        }
    }
}
