using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    public static void Mad(Span<Vector<float>> spectra, int length, Span<float> mads) =>
        Mad<LanesOfVector, Vector<float>>(spectra, length, mads);

    /// <summary><see cref="Mad(Span{Vector{float}}, int, Span{float})"/> with the vectors of <typeparamref name="TLanes"/>
    /// (16 spectra at a time with 512-bit vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Mad<TLanes, TVector>(Span<TVector> spectra, int length, Span<float> mads)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        int padded = PaddedLength(length), lanes = TLanes.Count;
        if (spectra.Length < padded || mads.Length < lanes || length < 1)
        {
            throw new ArgumentException("spectra must hold the padded length and mads one value per lane");
        }
        Span<TVector> v = spectra[..padded];
        v[length..].Fill(TLanes.Broadcast(float.PositiveInfinity));
        Sort<TLanes, TVector>(v);

        Span<float> values = MemoryMarshal.Cast<TVector, float>(v);
        Span<float> median = stackalloc float[lanes];
        for (int lane = 0; lane < lanes; lane++)
        {
            median[lane] = (float)MiddleOf(values, lanes, length, lane);
        }
        var m = TLanes.Load(ref MemoryMarshal.GetReference(median), 0);
        for (int u = 0; u < padded; u++)
        {
            v[u] = TLanes.Abs(TLanes.Subtract(v[u], m));
        }
        MergeBitonic<TLanes, TVector>(v);
        for (int lane = 0; lane < lanes; lane++)
        {
            mads[lane] = (float)MiddleOf(values, lanes, length, lane);
        }
    }

    /// <summary>The middle of lane <paramref name="lane"/>'s first <paramref name="length"/> sorted values, the vectors of
    /// <paramref name="lanes"/> floats laid out one after the other in <paramref name="sorted"/>.</summary>
    private static double MiddleOf(Span<float> sorted, int lanes, int length, int lane)
    {
        int mid = length / 2;
        return (length & 1) == 1 ? sorted[mid * lanes + lane] : 0.5 * ((double)sorted[(mid - 1) * lanes + lane] + sorted[mid * lanes + lane]);
    }

    /// <summary>Bitonic sort of every lane (ascending); the length is a power of two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sort<TLanes, TVector>(Span<TVector> v)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
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
                    TVector a = v[i], b = v[j];
                    TVector low = TLanes.Min(a, b), high = TLanes.Max(a, b);
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
    private static void MergeBitonic<TLanes, TVector>(Span<TVector> v)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
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
                TVector a = v[i], b = v[i + stride];
                v[i] = TLanes.Min(a, b);
                v[i + stride] = TLanes.Max(a, b);
            }
        }
    }
}
