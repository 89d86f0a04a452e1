using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
namespace Astrolabe.Regions.Detection;

/// <summary>The separable kernels of the multi-scale search: a spatial Gaussian per plane and a spectral boxcar.</summary>
/// <remarks>Blanked (NaN) voxels must have been zeroed by the caller; pixels beyond the edge count as zero. Every tap is
/// a fused multiply-add (one rounding; the same result on any machine), accumulated in registers over eight independent
/// chains so that the adds' latency does not bound the loop.</remarks>
internal static class Smoothing
{
    /// <summary>Normalised 1-D Gaussian taps for a full width at half maximum in pixels, truncated at 3 sigma.</summary>
    public static float[] GaussianTaps(double fwhmPixels)
    {
        double sigma = fwhmPixels / (2 * Math.Sqrt(2 * Math.Log(2)));
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var taps = new float[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++)
        {
            double w = Math.Exp(-0.5 * k * k / (sigma * sigma));
            taps[k + radius] = (float)w;
            sum += w;
        }
        for (int i = 0; i < taps.Length; i++)
        {
            taps[i] = (float)(taps[i] / sum);
        }
        return taps;
    }

    /// <summary>Convolves one plane with the separable Gaussian given by <paramref name="taps"/> along x then y.
    /// <paramref name="scratch"/> holds one plane.</summary>
    public static void GaussianPlane(ReadOnlySpan<float> input, Span<float> output, Span<float> scratch, int width, int height, float[] taps)
    {
        GaussianRowsX(input, scratch, width, taps, 0, height);
        GaussianRowsY(scratch, output, width, height, taps, 0, height);
    }

    /// <summary>The x pass for rows [<paramref name="y0"/>, <paramref name="y1"/>): each scratch pixel is Σ taps[k] × the
    /// input pixel k away along the row, pixels beyond the row's ends counting as zero.</summary>
    public static void GaussianRowsX(ReadOnlySpan<float> input, Span<float> scratch, int width, float[] taps, int y0, int y1) =>
        GaussianRowsX(input, scratch, taps, scratch, taps, width, y0, y1);

    /// <summary>The x passes of two Gaussians at once, for rows [<paramref name="y0"/>, <paramref name="y1"/>): each pixel
    /// of <paramref name="outA"/> is Σ tapsA[k] × the input pixel k away along the row, and likewise for B, pixels beyond
    /// the row's ends counting as zero. The shorter kernel's window lies inside the longer one's, so one set of loads
    /// feeds both (with <paramref name="outA"/> = <paramref name="outB"/> and the same taps, it is one pass).</summary>
    /// <remarks>Each row is copied into a buffer with zeros beyond its ends, so the pixels near the ends take the same
    /// vector loop as the rest (as scalar chains of dependent multiply-adds they cost a third of the pass).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GaussianRowsX(ReadOnlySpan<float> input, Span<float> outA, float[] tapsA, Span<float> outB, float[] tapsB,
        int width, int y0, int y1)
    {
        if (tapsA.Length > tapsB.Length)
        {
            GaussianRowsX(input, outB, tapsB, outA, tapsA, width, y0, y1);
            return;
        }
        bool both = tapsA != tapsB;
        int radius = tapsB.Length / 2, inset = radius - tapsA.Length / 2, lanes = Vector<float>.Count;
        float[] padded = ArrayPool<float>.Shared.Rent(width + 2 * radius + lanes);
        padded.AsSpan().Clear();
        Span<float> tail = stackalloc float[2 * lanes];
        ref float a0 = ref MemoryMarshal.GetArrayDataReference(tapsA);
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(tapsB);
        ref float p0 = ref MemoryMarshal.GetArrayDataReference(padded);
        for (int y = y0; y < y1; y++)
        {
            input.Slice(y * width, width).CopyTo(padded.AsSpan(radius));
            Span<float> rowA = outA.Slice(y * width, width), rowB = outB.Slice(y * width, width);
            int x = 0;
            if (both)
            {
                // Four vectors of pixels, two kernels: eight independent chains of fused multiply-adds.
                for (; x + 4 * lanes <= width; x += 4 * lanes)
                {
                    Vector<float> a1 = default, a2 = default, a3 = default, a4 = default;
                    Vector<float> s1 = default, s2 = default, s3 = default, s4 = default;
                    for (int k = 0; k < tapsB.Length; k++)
                    {
                        ref float at = ref Unsafe.Add(ref p0, x + k);
                        var v1 = Vector.LoadUnsafe(ref at);
                        var v2 = Vector.LoadUnsafe(ref at, (nuint)lanes);
                        var v3 = Vector.LoadUnsafe(ref at, (nuint)(2 * lanes));
                        var v4 = Vector.LoadUnsafe(ref at, (nuint)(3 * lanes));
                        var w = new Vector<float>(Unsafe.Add(ref b0, k));
                        s1 = Vector.FusedMultiplyAdd(v1, w, s1);
                        s2 = Vector.FusedMultiplyAdd(v2, w, s2);
                        s3 = Vector.FusedMultiplyAdd(v3, w, s3);
                        s4 = Vector.FusedMultiplyAdd(v4, w, s4);
                        if ((uint)(k - inset) < (uint)tapsA.Length)
                        {
                            var u = new Vector<float>(Unsafe.Add(ref a0, k - inset));
                            a1 = Vector.FusedMultiplyAdd(v1, u, a1);
                            a2 = Vector.FusedMultiplyAdd(v2, u, a2);
                            a3 = Vector.FusedMultiplyAdd(v3, u, a3);
                            a4 = Vector.FusedMultiplyAdd(v4, u, a4);
                        }
                    }
                    Store4(rowB, x, lanes, s1, s2, s3, s4);
                    Store4(rowA, x, lanes, a1, a2, a3, a4);
                }
            }
            else
            {
                // One kernel: eight vectors of pixels, eight chains.
                for (; x + 8 * lanes <= width; x += 8 * lanes)
                {
                    Vector<float> s1 = default, s2 = default, s3 = default, s4 = default;
                    Vector<float> s5 = default, s6 = default, s7 = default, s8 = default;
                    for (int k = 0; k < tapsB.Length; k++)
                    {
                        ref float at = ref Unsafe.Add(ref p0, x + k);
                        var w = new Vector<float>(Unsafe.Add(ref b0, k));
                        s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at), w, s1);
                        s2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)lanes), w, s2);
                        s3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(2 * lanes)), w, s3);
                        s4 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(3 * lanes)), w, s4);
                        s5 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(4 * lanes)), w, s5);
                        s6 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(5 * lanes)), w, s6);
                        s7 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(6 * lanes)), w, s7);
                        s8 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(7 * lanes)), w, s8);
                    }
                    Store4(rowB, x, lanes, s1, s2, s3, s4);
                    Store4(rowB, x + 4 * lanes, lanes, s5, s6, s7, s8);
                }
            }
            // The rest a vector at a time; the last, partial vector (the buffer's zeros run on) is stored through a buffer.
            for (; x < width; x += lanes)
            {
                var sum = Vector<float>.Zero;
                var sumA = Vector<float>.Zero;
                for (int k = 0; k < tapsB.Length; k++)
                {
                    var v = Vector.LoadUnsafe(ref Unsafe.Add(ref p0, x + k));
                    sum = Vector.FusedMultiplyAdd(v, new Vector<float>(Unsafe.Add(ref b0, k)), sum);
                    if (both && (uint)(k - inset) < (uint)tapsA.Length)
                    {
                        sumA = Vector.FusedMultiplyAdd(v, new Vector<float>(Unsafe.Add(ref a0, k - inset)), sumA);
                    }
                }
                int n = Math.Min(lanes, width - x);
                sum.CopyTo(tail);
                sumA.CopyTo(tail[lanes..]);
                tail[..n].CopyTo(rowB.Slice(x, n));
                if (both)
                {
                    tail.Slice(lanes, n).CopyTo(rowA.Slice(x, n));
                }
            }
        }
        ArrayPool<float>.Shared.Return(padded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(Span<float> row, int x, int lanes, Vector<float> s1, Vector<float> s2, Vector<float> s3, Vector<float> s4)
    {
        s1.CopyTo(row.Slice(x, lanes));
        s2.CopyTo(row.Slice(x + lanes, lanes));
        s3.CopyTo(row.Slice(x + 2 * lanes, lanes));
        s4.CopyTo(row.Slice(x + 3 * lanes, lanes));
    }

    /// <summary>The y pass for output rows [<paramref name="y0"/>, <paramref name="y1"/>): Σ taps[k] × scratch row y + k,
    /// rows beyond the edge counting as zero; a vector of pixels accumulates every tap in a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GaussianRowsY(ReadOnlySpan<float> scratch, Span<float> output, int width, int height, float[] taps, int y0, int y1)
    {
        int radius = taps.Length / 2, lanes = Vector<float>.Count;
        int vectorEnd = width / lanes * lanes;
        ref float start = ref MemoryMarshal.GetReference(scratch);
        ref float t0 = ref MemoryMarshal.GetArrayDataReference(taps);
        for (int y = y0; y < y1; y++)
        {
            Span<float> outRow = output.Slice(y * width, width);
            int kFrom = Math.Max(-radius, -y), kTo = Math.Min(radius, height - 1 - y);
            int x = 0;
            for (; x + 8 * lanes <= vectorEnd; x += 8 * lanes)
            {
                Vector<float> s1 = default, s2 = default, s3 = default, s4 = default;
                Vector<float> s5 = default, s6 = default, s7 = default, s8 = default;
                for (int k = kFrom; k <= kTo; k++)
                {
                    var w = new Vector<float>(Unsafe.Add(ref t0, k + radius));
                    ref float at = ref Unsafe.Add(ref start, (y + k) * width + x);
                    s1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at), w, s1);
                    s2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)lanes), w, s2);
                    s3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(2 * lanes)), w, s3);
                    s4 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(3 * lanes)), w, s4);
                    s5 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(4 * lanes)), w, s5);
                    s6 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(5 * lanes)), w, s6);
                    s7 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(6 * lanes)), w, s7);
                    s8 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref at, (nuint)(7 * lanes)), w, s8);
                }
                Store4(outRow, x, lanes, s1, s2, s3, s4);
                Store4(outRow, x + 4 * lanes, lanes, s5, s6, s7, s8);
            }
            for (; x < vectorEnd; x += lanes)
            {
                var sum = Vector<float>.Zero;
                for (int k = kFrom; k <= kTo; k++)
                {
                    sum = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref Unsafe.Add(ref start, (y + k) * width + x)), new Vector<float>(Unsafe.Add(ref t0, k + radius)), sum);
                }
                sum.CopyTo(outRow.Slice(x, lanes));
            }
            for (; x < width; x++)
            {
                float sum = 0;
                for (int k = kFrom; k <= kTo; k++)
                {
                    sum = MathF.FusedMultiplyAdd(scratch[(y + k) * width + x], taps[k + radius], sum);
                }
                outRow[x] = sum;
            }
        }
    }
}
