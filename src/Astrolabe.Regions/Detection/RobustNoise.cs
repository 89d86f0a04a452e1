using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Astrolabe.Regions.Detection;

/// <summary>Robust noise estimate: median absolute deviation over finite values, iterated with a sigma clip so
/// that emission (and absorption) does not inflate the result.</summary>
public static class RobustNoise
{
    /// <summary>1 / Φ⁻¹(3/4): turns a median absolute deviation into a Gaussian standard deviation.</summary>
    public const double MadToSigma = 1.482602218505602;

    /// <summary>Returns the clipped MAD sigma of the finite values in <paramref name="values"/>, or NaN when fewer than
    /// <paramref name="minimumCount"/> are finite. At most <paramref name="maxSamples"/> values are used, taken at a fixed
    /// stride, so the answer is deterministic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Sigma(ReadOnlySpan<float> values, double clip = 3.5, int maxIterations = 8,
        int maxSamples = 4_000_000, int minimumCount = 16)
    {
        int stride = values.Length <= maxSamples ? 1 : (int)((values.Length + (long)maxSamples - 1) / maxSamples);
        int capacity = (values.Length + stride - 1) / stride;
        float[] rented = ArrayPool<float>.Shared.Rent(Math.Max(capacity, 1));
        try
        {
            int n = 0;
            for (int i = 0; i < values.Length; i += stride)
            {
                float v = values[i];
                if (float.IsFinite(v))
                {
                    rented[n++] = v;
                }
            }
            return SigmaOfSample(rented.AsSpan(0, n), clip, maxIterations, minimumCount);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>As <see cref="Sigma"/> but over a sample of finite values the caller owns; the sample is overwritten
    /// (reordered, clipped values set to NaN).</summary>
    public static double SigmaOfSample(Span<float> sample, double clip = 3.5, int maxIterations = 8, int minimumCount = 16)
    {
        if (sample.Length < minimumCount)
        {
            return double.NaN;
        }
        return sample.Length >= ClippedSigma.Minimum
            ? ClippedSigma.Of(sample, clip, maxIterations, minimumCount)
            : SigmaBySelection(sample, clip, maxIterations, minimumCount);
    }

    /// <summary><see cref="SigmaOfSample"/> the direct way, every iteration a median by selection, the deviations, their
    /// median, and a compaction of the values kept: for small samples, and the reference for <see cref="ClippedSigma"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SigmaBySelection(Span<float> sample, double clip = 3.5, int maxIterations = 8, int minimumCount = 16)
    {
        int n = sample.Length;
        if (n < minimumCount)
        {
            return double.NaN;
        }
        float[] deviations = ArrayPool<float>.Shared.Rent(n);
        try
        {
            double sigma = double.NaN;
            double previous = double.NaN;
            for (int iteration = 0; iteration < maxIterations; iteration++)
            {
                Span<float> live = sample[..n];
                double median = Selection.Median(live);
                Span<float> dev = deviations.AsSpan(0, n);
                Deviations(live, median, dev);
                double mad = Selection.Median(dev);
                sigma = MadToSigma * mad;
                // Converged when an iteration moves sigma by less than 0.1%: further clipping changes nothing that matters.
                if (sigma == 0 || Math.Abs(sigma - previous) < 1e-3 * sigma)
                {
                    break;
                }
                previous = sigma;

                // Keep only values within clip·sigma of the median; stop when nothing more is clipped.
                double limit = clip * sigma;
                int kept = 0;
                for (int i = 0; i < n; i++)
                {
                    float v = live[i];
                    if (Math.Abs(v - median) <= limit)
                    {
                        live[kept++] = v;
                    }
                }
                if (kept == n || kept < minimumCount)
                {
                    break;
                }
                n = kept;
            }
            return sigma;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(deviations);
        }
    }

    /// <summary>deviations[i] = |(float)(values[i] − median)|, the difference taken in double precision, a vector at a
    /// time (widened to doubles and narrowed back: the same rounding as the scalar expression).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Deviations(ReadOnlySpan<float> values, double median, Span<float> deviations)
    {
        int n = values.Length, lanes = Vector<float>.Count, i = 0;
        var m = new Vector<double>(median);
        ref float v0 = ref MemoryMarshal.GetReference(values);
        ref float d0 = ref MemoryMarshal.GetReference(deviations[..n]);
        for (; i + lanes <= n; i += lanes)
        {
            Vector.Widen(Vector.LoadUnsafe(ref v0, (nuint)i), out var low, out var high);
            Vector.Abs(Vector.Narrow(low - m, high - m)).StoreUnsafe(ref d0, (nuint)i);
        }
        for (; i < n; i++)
        {
            deviations[i] = MathF.Abs((float)(values[i] - median));
        }
    }
}
