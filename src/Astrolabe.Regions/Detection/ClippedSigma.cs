using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Astrolabe.Regions.Detection;

/// <summary>The iterated, clipped MAD sigma of <see cref="RobustNoise.SigmaOfSample"/> for samples of
/// <see cref="Minimum"/> values or more, with the same result (the same medians, deviations and clips) in about one pass
/// over the values per iteration instead of five.</summary>
/// <remarks>
/// Three things make it cheaper than select, deviate, select, compact:
/// <list type="bullet">
/// <item>The median's bracket (the values between two ranks of a fixed-stride sample, and the count below them) is kept
/// from one iteration to the next: a clip removes values far from the median, so the next median is usually inside the
/// same bracket and is selected among those few values without reading the rest.</item>
/// <item>The deviations are bracketed as they are computed (from a sample of deviations), so they are never written out.</item>
/// <item>The same pass lists the values whose deviation could exceed the clip level (it is at least the clip factor
/// times the lower end of the MAD's bracket), so the clip looks only at those and marks them removed (NaN) in place
/// instead of compacting every value.</item>
/// </list>
/// Whenever a bracket misses (the sample was not representative, or too many values were removed) the step falls back
/// to a full selection over the values still in, so the result is always the exact one.
/// </remarks>
internal static class ClippedSigma
{
    /// <summary>Fewest values for which the brackets pay.</summary>
    public const int Minimum = 1_024;

    /// <summary>Most values in a bracket's fixed-stride sample.</summary>
    private const int SampleLimit = 1_024;

    /// <summary>The clipped MAD sigma of the finite values <paramref name="values"/> (at least <see cref="Minimum"/>);
    /// clipped values are overwritten with NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Of(Span<float> values, double clip, int maxIterations, int minimumCount)
    {
        int total = values.Length, n = total;
        float[] medianBracket = ArrayPool<float>.Shared.Rent(total), deviationBracket = ArrayPool<float>.Shared.Rent(total);
        int[] outliers = ArrayPool<int>.Shared.Rent(total);
        Span<float> sample = stackalloc float[SampleLimit];
        try
        {
            // The median's bracket [lo, hi]: `gathered` values inside it, `below` live values under it.
            float lo = 0, hi = 0;
            int gathered = -1, below = 0;
            double sigma = double.NaN, previous = double.NaN;
            for (int iteration = 0; iteration < maxIterations; iteration++)
            {
                double median;
                if (gathered < 0 || !Middle(medianBracket.AsSpan(0, gathered), below, n, out median))
                {
                    if (!Bracket(values, n, sample, out lo, out hi)
                        || !GatherValues(values, n, lo, hi, medianBracket, out below, out gathered)
                        || !Middle(medianBracket.AsSpan(0, gathered), below, n, out median))
                    {
                        gathered = -1;
                        median = MedianOfLive(values, deviationBracket);
                    }
                }

                // outlierCount -1: no list of the values the clip may remove, so the clip looks at every value.
                int outlierCount = -1;
                if (!DeviationBracket(values, n, median, sample, out float dlo, out float dhi)
                    || !GatherDeviations(values, n, median, dlo, dhi, (float)(clip * (RobustNoise.MadToSigma * dlo)), deviationBracket,
                        outliers, out int belowDeviations, out int gatheredDeviations, out outlierCount)
                    || !Middle(deviationBracket.AsSpan(0, gatheredDeviations), belowDeviations, n, out double mad))
                {
                    mad = MadOfLive(values, median, deviationBracket);
                    outlierCount = -1;
                }
                sigma = RobustNoise.MadToSigma * mad;
                // Converged when an iteration moves sigma by less than 0.1%: further clipping changes nothing that matters.
                if (sigma == 0 || Math.Abs(sigma - previous) < 1e-3 * sigma)
                {
                    break;
                }
                previous = sigma;

                // Keep only values within clip·sigma of the median; stop when nothing more is clipped.
                double limit = clip * sigma;
                int clipped = 0, clippedBelow = 0;
                bool bracketIntact = true;
                if (outlierCount >= 0)
                {
                    for (int j = 0; j < outlierCount; j++)
                    {
                        int i = outliers[j];
                        Clip(values, i, median, limit, lo, hi, ref clipped, ref clippedBelow, ref bracketIntact);
                    }
                }
                else
                {
                    for (int i = 0; i < total; i++)
                    {
                        Clip(values, i, median, limit, lo, hi, ref clipped, ref clippedBelow, ref bracketIntact);
                    }
                }
                int kept = n - clipped;
                if (kept == n || kept < minimumCount)
                {
                    break;
                }
                n = kept;
                below -= clippedBelow;
                if (!bracketIntact)
                {
                    gathered = -1;
                }
            }
            return sigma;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(medianBracket);
            ArrayPool<float>.Shared.Return(deviationBracket);
            ArrayPool<int>.Shared.Return(outliers);
        }
    }

    /// <summary>Removes value i (NaN) when it lies further than <paramref name="limit"/> from the median — the same test
    /// as keeping |v − median| ≤ limit — counting it, and whether it was below or inside the median's bracket.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clip(Span<float> values, int i, double median, double limit, float lo, float hi, ref int clipped,
        ref int clippedBelow, ref bool bracketIntact)
    {
        float v = values[i];
        if (float.IsNaN(v) || Math.Abs(v - median) <= limit)
        {
            return;
        }
        values[i] = float.NaN;
        clipped++;
        if (v < lo)
        {
            clippedBelow++;
        }
        else if (v <= hi)
        {
            bracketIntact = false;
        }
    }

    /// <summary>The values of <paramref name="sample"/>'s two ranks 1.5√m either side of its middle (three standard
    /// deviations of the sample rank of the whole set's median); false when the sample is too small.</summary>
    private static bool Ends(Span<float> sample, out float lo, out float hi)
    {
        int m = sample.Length, halfWidth = (int)Math.Ceiling(1.5 * Math.Sqrt(m)), low = m / 2 - halfWidth;
        lo = hi = 0;
        if (m < 64 || low < 0 || low + 2 * halfWidth >= m)
        {
            return false;
        }
        lo = Selection.Select(sample, low);
        // Everything right of the lower end is not smaller: the upper end is selected among those.
        hi = Selection.Select(sample[low..], 2 * halfWidth);
        return true;
    }

    private static int SampleStride(int total, int live) => Math.Max(1, total / Math.Clamp(live / 16, 128, SampleLimit));

    /// <summary>The median's bracket from a fixed-stride sample of the live (non-NaN) values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Bracket(ReadOnlySpan<float> values, int live, Span<float> sample, out float lo, out float hi)
    {
        int stride = SampleStride(values.Length, live), m = 0;
        for (int i = 0; i < values.Length && m < sample.Length; i += stride)
        {
            float v = values[i];
            if (!float.IsNaN(v))
            {
                sample[m++] = v;
            }
        }
        return Ends(sample[..m], out lo, out hi);
    }

    /// <summary>The MAD's bracket from the deviations of a fixed-stride sample of the live values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool DeviationBracket(ReadOnlySpan<float> values, int live, double median, Span<float> sample, out float lo, out float hi)
    {
        int stride = SampleStride(values.Length, live), m = 0;
        for (int i = 0; i < values.Length && m < sample.Length; i += stride)
        {
            float v = values[i];
            if (!float.IsNaN(v))
            {
                sample[m++] = MathF.Abs((float)(v - median));
            }
        }
        return Ends(sample[..m], out lo, out hi);
    }

    /// <summary>One branch-free pass: the live values in [lo, hi] into <paramref name="inside"/>, and the count below;
    /// false unless every live value was counted (a NaN-free input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool GatherValues(ReadOnlySpan<float> values, int live, float lo, float hi, float[] inside, out int below, out int gathered)
    {
        int under = 0, count = 0, over = 0, i = 0;
        ref float to = ref MemoryMarshal.GetArrayDataReference(inside);
        if (Avx2.IsSupported)
        {
            ref float v0 = ref MemoryMarshal.GetReference(values);
            Vector256<float> low = Vector256.Create(lo), high = Vector256.Create(hi);
            for (; i + 8 <= values.Length; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref v0, (nuint)i);
                uint inMask = (Vector256.GreaterThanOrEqual(x, low) & Vector256.LessThanOrEqual(x, high)).ExtractMostSignificantBits();
                LeftPack(x, inMask).StoreUnsafe(ref to, (nuint)count);
                count += BitOperations.PopCount(inMask);
                under += BitOperations.PopCount(Vector256.LessThan(x, low).ExtractMostSignificantBits());
                over += BitOperations.PopCount(Vector256.GreaterThan(x, high).ExtractMostSignificantBits());
            }
        }
        foreach (float x in values[i..])
        {
            Unsafe.Add(ref to, count) = x;
            count += (x >= lo ? 1 : 0) & (x <= hi ? 1 : 0);
            under += x < lo ? 1 : 0;
            over += x > hi ? 1 : 0;
        }
        below = under;
        gathered = count;
        return under + count + over == live;
    }

    /// <summary>One pass over the live values: each deviation |(float)(v − median)| (the difference in double precision,
    /// as <see cref="RobustNoise"/> takes it) is computed a vector at a time; those in [lo, hi] go into
    /// <paramref name="inside"/> and those below are counted; the indices of values whose deviation is at least
    /// <paramref name="outlierLevel"/> go into <paramref name="outliers"/>.</summary>
    /// <remarks>The clip level is clip × 1.4826 × MAD with MAD ≥ lo, so a value it removes has a double-precision deviation
    /// above clip × 1.4826 × lo, and a float deviation (rounding is monotonic) at least that rounded to a float: the list
    /// holds every value the clip can remove.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool GatherDeviations(ReadOnlySpan<float> values, int live, double median, float lo, float hi, float outlierLevel,
        float[] inside, int[] outliers, out int below, out int gathered, out int outlierCount)
    {
        int n = values.Length, lanes = Vector<float>.Count, i = 0;
        int under = 0, count = 0, over = 0, far = 0;
        var m = new Vector<double>(median);
        var level = new Vector<float>(outlierLevel);
        Span<float> lane = stackalloc float[lanes];
        ref float v0 = ref MemoryMarshal.GetReference(values);
        ref float to = ref MemoryMarshal.GetArrayDataReference(inside);
        ref int far0 = ref MemoryMarshal.GetArrayDataReference(outliers);
        if (Avx2.IsSupported)
        {
            // Eight deviations at a time, those inside the bracket left-packed by one permute (the rest of the store is
            // overwritten by the next): no per-value work at all.
            Vector256<double> m4 = Vector256.Create(median);
            Vector256<float> low = Vector256.Create(lo), high = Vector256.Create(hi), farLevel = Vector256.Create(outlierLevel);
            Vector256<int> lane8 = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            for (; i + 8 <= n; i += 8)
            {
                var (wide0, wide1) = Vector256.Widen(Vector256.LoadUnsafe(ref v0, (nuint)i));
                var d = Vector256.Abs(Vector256.Narrow(wide0 - m4, wide1 - m4));
                uint inMask = (Vector256.GreaterThanOrEqual(d, low) & Vector256.LessThanOrEqual(d, high)).ExtractMostSignificantBits();
                LeftPack(d, inMask).StoreUnsafe(ref to, (nuint)count);
                count += BitOperations.PopCount(inMask);
                under += BitOperations.PopCount(Vector256.LessThan(d, low).ExtractMostSignificantBits());
                over += BitOperations.PopCount(Vector256.GreaterThan(d, high).ExtractMostSignificantBits());
                uint farMask = Vector256.GreaterThanOrEqual(d, farLevel).ExtractMostSignificantBits();
                if (farMask != 0)
                {
                    LeftPack(lane8 + Vector256.Create(i), farMask).StoreUnsafe(ref far0, (nuint)far);
                    far += BitOperations.PopCount(farMask);
                }
            }
        }
        for (; i + lanes <= n; i += lanes)
        {
            Vector.Widen(Vector.LoadUnsafe(ref v0, (nuint)i), out var low, out var high);
            var d = Vector.Abs(Vector.Narrow(low - m, high - m));
            d.CopyTo(lane);
            for (int k = 0; k < lanes; k++)
            {
                float x = lane[k];
                Unsafe.Add(ref to, count) = x;
                count += (x >= lo ? 1 : 0) & (x <= hi ? 1 : 0);
                under += x < lo ? 1 : 0;
                over += x > hi ? 1 : 0;
            }
            if (Vector.GreaterThanOrEqualAny(d, level))
            {
                for (int k = 0; k < lanes; k++)
                {
                    Unsafe.Add(ref far0, far) = i + k;
                    far += lane[k] >= outlierLevel ? 1 : 0;
                }
            }
        }
        for (; i < n; i++)
        {
            float x = MathF.Abs((float)(values[i] - median));
            Unsafe.Add(ref to, count) = x;
            count += (x >= lo ? 1 : 0) & (x <= hi ? 1 : 0);
            under += x < lo ? 1 : 0;
            over += x > hi ? 1 : 0;
            Unsafe.Add(ref far0, far) = i;
            far += x >= outlierLevel ? 1 : 0;
        }
        below = under;
        gathered = count;
        outlierCount = far;
        return under + count + over == live;
    }

    /// <summary>The lanes of <paramref name="value"/> whose bit is set in <paramref name="mask"/>, moved to the front in
    /// order (the other lanes are left over).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> LeftPack<T>(Vector256<T> value, uint mask) where T : unmanaged =>
        Avx2.PermuteVar8x32(value.AsInt32(), Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(PackOrder), mask * 8)).As<int, T>();

    /// <summary>For each 8-bit mask, the lane indices of its set bits in order, then zeros: the permutation that packs them.</summary>
    private static readonly int[] PackOrder = Enumerable.Range(0, 256).SelectMany(mask =>
        Enumerable.Range(0, 8).Where(b => (mask >> b & 1) != 0).Concat(Enumerable.Repeat(0, 8)).Take(8)).ToArray();

    /// <summary>The median of the values whose middle ranks lie in a bracket: <paramref name="below"/> of the
    /// <paramref name="count"/> values are under it, <paramref name="inside"/> are in it. False when a middle rank is outside.</summary>
    private static bool Middle(Span<float> inside, int below, int count, out double median)
    {
        int mid = count / 2, first = (count & 1) == 1 ? mid : mid - 1;
        median = double.NaN;
        if (below > first || below + inside.Length <= mid)
        {
            return false;
        }
        int k = mid - below;
        if (inside.Length >= NestedMinimum && NestedMiddle(inside, k, first - below, (count & 1) == 1, out median))
        {
            return true;
        }
        float upper = Selection.Select(inside, k);
        median = (count & 1) == 1 ? upper : 0.5 * ((double)Selection.MaxOf(inside[..k]) + upper);
        return true;
    }

    /// <summary>From this many values in a bracket, <see cref="Middle"/> narrows it once more before selecting.</summary>
    private const int NestedMinimum = 2_048;

    /// <summary>The median from a bracket narrowed once more (as Floyd and Rivest's selection does): a fixed-stride sample
    /// of the bracket's values, two of its ranks around rank <paramref name="k"/>'s place, one pass gathering the values
    /// between them, and the selection among those (a fifth or so); false when the middle ranks
    /// (<paramref name="lowerRank"/>, <paramref name="k"/>) fall outside.</summary>
    private static bool NestedMiddle(ReadOnlySpan<float> inside, int k, int lowerRank, bool odd, out double median)
    {
        median = double.NaN;
        int n = inside.Length, m = Math.Clamp(n / 16, 128, 512), stride = n / m;
        Span<float> sample = stackalloc float[m];
        for (int i = 0; i < m; i++)
        {
            sample[i] = inside[i * stride];
        }
        int centre = (int)((long)k * m / n), halfWidth = (int)Math.Ceiling(1.5 * Math.Sqrt(m));
        int low = Math.Max(0, centre - halfWidth), high = Math.Min(m - 1, centre + halfWidth);
        float lo = Selection.Select(sample, low);
        float hi = Selection.Select(sample[low..], high - low);
        float[] narrowed = ArrayPool<float>.Shared.Rent(n);
        try
        {
            if (!GatherValues(inside, n, lo, hi, narrowed, out int below, out int gathered) || below > lowerRank || below + gathered <= k)
            {
                return false;
            }
            Span<float> values = narrowed.AsSpan(0, gathered);
            int k2 = k - below;
            float upper = Selection.Select(values, k2);
            median = odd ? upper : 0.5 * ((double)Selection.MaxOf(values[..k2]) + upper);
            return true;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(narrowed);
        }
    }

    /// <summary>The median of the live values by selection over a copy (the fallback when a bracket misses).</summary>
    private static double MedianOfLive(ReadOnlySpan<float> values, float[] scratch)
    {
        int n = 0;
        foreach (float v in values)
        {
            if (!float.IsNaN(v))
            {
                scratch[n++] = v;
            }
        }
        return Selection.Median(scratch.AsSpan(0, n));
    }

    /// <summary>The MAD of the live values by selection over their deviations (the fallback when a bracket misses).</summary>
    private static double MadOfLive(ReadOnlySpan<float> values, double median, float[] scratch)
    {
        int n = 0;
        foreach (float v in values)
        {
            if (!float.IsNaN(v))
            {
                scratch[n++] = MathF.Abs((float)(v - median));
            }
        }
        return Selection.Median(scratch.AsSpan(0, n));
    }
}
