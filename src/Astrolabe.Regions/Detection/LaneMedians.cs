using System.Numerics;
using System.Runtime.CompilerServices;

namespace Astrolabe.Regions.Detection;

/// <summary>Median absolute deviations of several spectra at once, one spectrum per vector lane: a sorting network
/// moves every lane the same way, so it needs no branches and works on a whole vector of spectra per step.</summary>
/// <remarks>Spectra are laid out channel-major: vector <c>u</c> holds channel <c>u</c> of every lane's spectrum. The
/// length is padded to a power of two with +∞, which sorts to the end and leaves the order statistics of the real
/// values where they were. After the sort, the deviations from the median fall then rise (a bitonic sequence), so one
/// bitonic merge (log₂ N steps instead of a second sort) puts them in order.</remarks>
internal static class LaneMedians
{
    /// <summary>Vectors a spectrum of <paramref name="length"/> channels needs: the next power of two.</summary>
    public static int PaddedLength(int length) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, length));

    /// <summary>Writes the MAD of each lane's first <paramref name="length"/> values into <paramref name="mads"/> (one per
    /// lane, as <see cref="Selection.Median"/> would give it: the mean of the two middle values for an even count).</summary>
    /// <param name="spectra"><see cref="PaddedLength"/>(length) vectors; the first <paramref name="length"/> finite, the
    /// rest are overwritten. Reordered.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mad(Span<Vector<float>> spectra, int length, Span<float> mads)
    {
        int padded = PaddedLength(length), lanes = Vector<float>.Count;
        if (spectra.Length < padded || mads.Length < lanes || length < 1)
        {
            throw new ArgumentException("spectra must hold the padded length and mads one value per lane");
        }
        Span<Vector<float>> v = spectra[..padded];
        v[length..].Fill(new Vector<float>(float.PositiveInfinity));
        Sort(v);

        Span<float> median = stackalloc float[lanes];
        for (int lane = 0; lane < lanes; lane++)
        {
            median[lane] = (float)MiddleOf(v, length, lane);
        }
        var m = new Vector<float>(median);
        for (int u = 0; u < padded; u++)
        {
            v[u] = Vector.Abs(v[u] - m);
        }
        MergeBitonic(v);
        for (int lane = 0; lane < lanes; lane++)
        {
            mads[lane] = (float)MiddleOf(v, length, lane);
        }
    }

    private static double MiddleOf(Span<Vector<float>> sorted, int length, int lane)
    {
        int mid = length / 2;
        return (length & 1) == 1 ? sorted[mid][lane] : 0.5 * ((double)sorted[mid - 1][lane] + sorted[mid][lane]);
    }

    /// <summary>Bitonic sort of every lane (ascending); the length is a power of two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sort(Span<Vector<float>> v)
    {
        int n = v.Length;
        for (int size = 2; size <= n; size <<= 1)
        {
            for (int stride = size >> 1; stride > 0; stride >>= 1)
            {
                for (int i = 0; i < n; i++)
                {
                    int j = i ^ stride;
                    if (j <= i)
                    {
                        continue;
                    }
                    Vector<float> a = v[i], b = v[j];
                    Vector<float> low = Vector.Min(a, b), high = Vector.Max(a, b);
                    if ((i & size) == 0)
                    {
                        v[i] = low;
                        v[j] = high;
                    }
                    else
                    {
                        v[i] = high;
                        v[j] = low;
                    }
                }
            }
        }
    }

    /// <summary>Sorts every lane of a bitonic sequence (falling then rising) in log₂ N compare-exchange steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeBitonic(Span<Vector<float>> v)
    {
        int n = v.Length;
        for (int stride = n >> 1; stride > 0; stride >>= 1)
        {
            for (int i = 0; i < n; i++)
            {
                if ((i & stride) != 0)
                {
                    continue;
                }
                Vector<float> a = v[i], b = v[i + stride];
                v[i] = Vector.Min(a, b);
                v[i + stride] = Vector.Max(a, b);
            }
        }
    }
}
