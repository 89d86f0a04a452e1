using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// vector loop as the rest (as scalar chains of dependent multiply-adds they cost a third of the pass). 512-bit
    /// vectors where the CPU has them (<see cref="Lanes512"/>), the same results bit for bit.</remarks>
    public static void GaussianRowsX(ReadOnlySpan<float> input, Span<float> outA, float[] tapsA, Span<float> outB, float[] tapsB,
        int width, int y0, int y1)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            GaussianRowsX<Lanes512, Vector512<float>>(input, outA, tapsA, outB, tapsB, width, y0, y1);
        }
        else
        {
            GaussianRowsX<LanesOfVector, Vector<float>>(input, outA, tapsA, outB, tapsB, width, y0, y1);
        }
    }

    /// <summary><see cref="GaussianRowsX(ReadOnlySpan{float}, Span{float}, float[], Span{float}, float[], int, int, int)"/>
    /// with the vectors of <typeparamref name="TLanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void GaussianRowsX<TLanes, TVector>(ReadOnlySpan<float> input, Span<float> outA, float[] tapsA, Span<float> outB,
        float[] tapsB, int width, int y0, int y1)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        if (tapsA.Length > tapsB.Length)
        {
            GaussianRowsX<TLanes, TVector>(input, outB, tapsB, outA, tapsA, width, y0, y1);
            return;
        }
        bool both = tapsA != tapsB;
        int radius = tapsB.Length / 2, inset = radius - tapsA.Length / 2, lanes = TLanes.Count;
        nuint l1 = (nuint)lanes, l2 = 2 * l1, l3 = 3 * l1, l4 = 4 * l1, l5 = 5 * l1, l6 = 6 * l1, l7 = 7 * l1;
        float[] padded = ArrayPool<float>.Shared.Rent(width + 2 * radius + lanes);
        padded.AsSpan().Clear();
        Span<float> tail = stackalloc float[2 * lanes];
        ref float a0 = ref MemoryMarshal.GetArrayDataReference(tapsA);
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(tapsB);
        ref float p0 = ref MemoryMarshal.GetArrayDataReference(padded);
        ref float i0 = ref MemoryMarshal.GetReference(input[..(y1 * width)]);
        for (int y = y0; y < y1; y++)
        {
            // The row into the buffer a vector at a time (the library's copy moves 16 bytes at a time).
            ref float from = ref Unsafe.Add(ref i0, y * width), to = ref Unsafe.Add(ref p0, radius);
            int c = 0;
            for (; c + lanes <= width; c += lanes)
            {
                TLanes.Store(TLanes.Load(ref from, (nuint)c), ref to, (nuint)c);
            }
            for (; c < width; c++)
            {
                Unsafe.Add(ref to, c) = Unsafe.Add(ref from, c);
            }
            ref float rowA = ref MemoryMarshal.GetReference(outA.Slice(y * width, width));
            ref float rowB = ref MemoryMarshal.GetReference(outB.Slice(y * width, width));
            int x = 0;
            if (both)
            {
                // Four vectors of pixels, two kernels: eight independent chains of fused multiply-adds.
                for (; x + 4 * lanes <= width; x += 4 * lanes)
                {
                    TVector a1 = default, a2 = default, a3 = default, a4 = default;
                    TVector s1 = default, s2 = default, s3 = default, s4 = default;
                    // B's taps before A's window, both kernels inside it, B's taps after it: no branch per tap.
                    int k = 0;
                    for (; k < inset; k++)
                    {
                        ref float at = ref Unsafe.Add(ref p0, x + k);
                        var w = TLanes.Broadcast(Unsafe.Add(ref b0, k));
                        s1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, 0), w, s1);
                        s2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l1), w, s2);
                        s3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l2), w, s3);
                        s4 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l3), w, s4);
                    }
                    for (; k < inset + tapsA.Length; k++)
                    {
                        ref float at = ref Unsafe.Add(ref p0, x + k);
                        var v1 = TLanes.Load(ref at, 0);
                        var v2 = TLanes.Load(ref at, l1);
                        var v3 = TLanes.Load(ref at, l2);
                        var v4 = TLanes.Load(ref at, l3);
                        var w = TLanes.Broadcast(Unsafe.Add(ref b0, k));
                        s1 = TLanes.FusedMultiplyAdd(v1, w, s1);
                        s2 = TLanes.FusedMultiplyAdd(v2, w, s2);
                        s3 = TLanes.FusedMultiplyAdd(v3, w, s3);
                        s4 = TLanes.FusedMultiplyAdd(v4, w, s4);
                        var u = TLanes.Broadcast(Unsafe.Add(ref a0, k - inset));
                        a1 = TLanes.FusedMultiplyAdd(v1, u, a1);
                        a2 = TLanes.FusedMultiplyAdd(v2, u, a2);
                        a3 = TLanes.FusedMultiplyAdd(v3, u, a3);
                        a4 = TLanes.FusedMultiplyAdd(v4, u, a4);
                    }
                    for (; k < tapsB.Length; k++)
                    {
                        ref float at = ref Unsafe.Add(ref p0, x + k);
                        var w = TLanes.Broadcast(Unsafe.Add(ref b0, k));
                        s1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, 0), w, s1);
                        s2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l1), w, s2);
                        s3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l2), w, s3);
                        s4 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l3), w, s4);
                    }
                    ref float b = ref Unsafe.Add(ref rowB, x), a = ref Unsafe.Add(ref rowA, x);
                    TLanes.Store(s1, ref b, 0);
                    TLanes.Store(s2, ref b, l1);
                    TLanes.Store(s3, ref b, l2);
                    TLanes.Store(s4, ref b, l3);
                    TLanes.Store(a1, ref a, 0);
                    TLanes.Store(a2, ref a, l1);
                    TLanes.Store(a3, ref a, l2);
                    TLanes.Store(a4, ref a, l3);
                }
            }
            else
            {
                // One kernel: eight vectors of pixels, eight chains.
                for (; x + 8 * lanes <= width; x += 8 * lanes)
                {
                    TVector s1 = default, s2 = default, s3 = default, s4 = default;
                    TVector s5 = default, s6 = default, s7 = default, s8 = default;
                    for (int k = 0; k < tapsB.Length; k++)
                    {
                        ref float at = ref Unsafe.Add(ref p0, x + k);
                        var w = TLanes.Broadcast(Unsafe.Add(ref b0, k));
                        s1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, 0), w, s1);
                        s2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l1), w, s2);
                        s3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l2), w, s3);
                        s4 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l3), w, s4);
                        s5 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l4), w, s5);
                        s6 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l5), w, s6);
                        s7 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l6), w, s7);
                        s8 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l7), w, s8);
                    }
                    ref float b = ref Unsafe.Add(ref rowB, x);
                    TLanes.Store(s1, ref b, 0);
                    TLanes.Store(s2, ref b, l1);
                    TLanes.Store(s3, ref b, l2);
                    TLanes.Store(s4, ref b, l3);
                    TLanes.Store(s5, ref b, l4);
                    TLanes.Store(s6, ref b, l5);
                    TLanes.Store(s7, ref b, l6);
                    TLanes.Store(s8, ref b, l7);
                }
            }
            // The rest a vector at a time; the last, partial vector (the buffer's zeros run on) is stored through a buffer.
            ref float t0 = ref MemoryMarshal.GetReference(tail);
            for (; x < width; x += lanes)
            {
                TVector sum = default, sumA = default;
                for (int k = 0; k < tapsB.Length; k++)
                {
                    var v = TLanes.Load(ref Unsafe.Add(ref p0, x + k), 0);
                    sum = TLanes.FusedMultiplyAdd(v, TLanes.Broadcast(Unsafe.Add(ref b0, k)), sum);
                    if (both && (uint)(k - inset) < (uint)tapsA.Length)
                    {
                        sumA = TLanes.FusedMultiplyAdd(v, TLanes.Broadcast(Unsafe.Add(ref a0, k - inset)), sumA);
                    }
                }
                int n = Math.Min(lanes, width - x);
                TLanes.Store(sum, ref t0, 0);
                TLanes.Store(sumA, ref t0, l1);
                tail[..n].CopyTo(outB.Slice(y * width + x, n));
                if (both)
                {
                    tail.Slice(lanes, n).CopyTo(outA.Slice(y * width + x, n));
                }
            }
        }
        ArrayPool<float>.Shared.Return(padded);
    }

    /// <summary>The y pass for output rows [<paramref name="y0"/>, <paramref name="y1"/>): Σ taps[k] × scratch row y + k,
    /// rows beyond the edge counting as zero; a vector of pixels accumulates every tap in a register (512-bit vectors
    /// where the CPU has them, the same results bit for bit).</summary>
    public static void GaussianRowsY(ReadOnlySpan<float> scratch, Span<float> output, int width, int height, float[] taps, int y0, int y1)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            GaussianRowsY<Lanes512, Vector512<float>>(scratch, output, width, height, taps, y0, y1);
        }
        else
        {
            GaussianRowsY<LanesOfVector, Vector<float>>(scratch, output, width, height, taps, y0, y1);
        }
    }

    /// <summary><see cref="GaussianRowsY(ReadOnlySpan{float}, Span{float}, int, int, float[], int, int)"/> with the
    /// vectors of <typeparamref name="TLanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void GaussianRowsY<TLanes, TVector>(ReadOnlySpan<float> scratch, Span<float> output, int width, int height,
        float[] taps, int y0, int y1)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        int radius = taps.Length / 2, lanes = TLanes.Count;
        nuint l1 = (nuint)lanes, l2 = 2 * l1, l3 = 3 * l1, l4 = 4 * l1, l5 = 5 * l1, l6 = 6 * l1, l7 = 7 * l1;
        int vectorEnd = width / lanes * lanes;
        ref float start = ref MemoryMarshal.GetReference(scratch);
        ref float t0 = ref MemoryMarshal.GetArrayDataReference(taps);
        for (int y = y0; y < y1; y++)
        {
            Span<float> outRow = output.Slice(y * width, width);
            ref float o0 = ref MemoryMarshal.GetReference(outRow);
            int kFrom = Math.Max(-radius, -y), kTo = Math.Min(radius, height - 1 - y);
            int x = 0;
            for (; x + 8 * lanes <= vectorEnd; x += 8 * lanes)
            {
                TVector s1 = default, s2 = default, s3 = default, s4 = default;
                TVector s5 = default, s6 = default, s7 = default, s8 = default;
                for (int k = kFrom; k <= kTo; k++)
                {
                    var w = TLanes.Broadcast(Unsafe.Add(ref t0, k + radius));
                    ref float at = ref Unsafe.Add(ref start, (y + k) * width + x);
                    s1 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, 0), w, s1);
                    s2 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l1), w, s2);
                    s3 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l2), w, s3);
                    s4 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l3), w, s4);
                    s5 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l4), w, s5);
                    s6 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l5), w, s6);
                    s7 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l6), w, s7);
                    s8 = TLanes.FusedMultiplyAdd(TLanes.Load(ref at, l7), w, s8);
                }
                ref float o = ref Unsafe.Add(ref o0, x);
                TLanes.Store(s1, ref o, 0);
                TLanes.Store(s2, ref o, l1);
                TLanes.Store(s3, ref o, l2);
                TLanes.Store(s4, ref o, l3);
                TLanes.Store(s5, ref o, l4);
                TLanes.Store(s6, ref o, l5);
                TLanes.Store(s7, ref o, l6);
                TLanes.Store(s8, ref o, l7);
            }
            for (; x < vectorEnd; x += lanes)
            {
                TVector sum = default;
                for (int k = kFrom; k <= kTo; k++)
                {
                    sum = TLanes.FusedMultiplyAdd(TLanes.Load(ref Unsafe.Add(ref start, (y + k) * width + x), 0),
                        TLanes.Broadcast(Unsafe.Add(ref t0, k + radius)), sum);
                }
                TLanes.Store(sum, ref o0, (nuint)x);
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
