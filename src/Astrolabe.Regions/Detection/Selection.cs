using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
namespace Astrolabe.Regions.Detection;

/// <summary>Order statistics in place (Hoare selection), deterministic and allocation-free.</summary>
internal static class Selection
{
    /// <summary>The median of <paramref name="values"/> (mean of the two middle values for an even count); reorders the span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Median(Span<float> values)
    {
        int n = values.Length;
        if (n == 0)
        {
            return double.NaN;
        }
        if (n >= BracketMinimum && MedianInBracket(values) is { } bracketed)
        {
            return bracketed;
        }
        int mid = n / 2;
        float upper = Select(values, mid);
        if ((n & 1) == 1)
        {
            return upper;
        }
        // After selection every value left of mid is <= upper; the lower middle is their maximum.
        return 0.5 * ((double)MaxOf(values[..mid]) + upper);
    }

    /// <summary>From this many values <see cref="Median"/> first tries <see cref="MedianInBracket"/>.</summary>
    private const int BracketMinimum = 2_048;

    /// <summary>Most values in the fixed-stride sample that brackets the median (a sixteenth of the values, at least 128).</summary>
    private const int BracketSample = 1_024;

    /// <summary>The same median as the selection (the same two middle values), found faster: the two values of a fixed-
    /// stride sample of m values 1.5√m ranks either side of its median (three standard deviations of the sample rank of
    /// the median) bracket the median of all the values; one branch-free pass counts the values below the bracket and
    /// gathers those inside it (a tenth to a fifth), and the selection runs only on those. Null when the middle ranks are
    /// not inside the bracket (rarely, and for NaNs): the caller selects over all the values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double? MedianInBracket(ReadOnlySpan<float> values)
    {
        int n = values.Length, mid = n / 2;
        int m = Math.Clamp(n / 16, 128, BracketSample), stride = n / m, halfWidth = (int)Math.Ceiling(1.5 * Math.Sqrt(m));
        Span<float> sample = stackalloc float[m];
        for (int i = 0; i < m; i++)
        {
            sample[i] = values[i * stride];
        }
        int low = m / 2 - halfWidth;
        float lo = Select(sample, low);
        // Everything right of the lower end is not smaller: the upper end is selected among those.
        float hi = Select(sample[low..], 2 * halfWidth);
        float[] rented = ArrayPool<float>.Shared.Rent(n);
        try
        {
            int below = 0, inside = 0, above = 0;
            ref float middle = ref MemoryMarshal.GetArrayDataReference(rented);
            foreach (float x in values)
            {
                Unsafe.Add(ref middle, inside) = x;
                inside += (x >= lo ? 1 : 0) & (x <= hi ? 1 : 0);
                below += x < lo ? 1 : 0;
                above += x > hi ? 1 : 0;
            }
            // Both middle ranks (mid - 1 and mid for an even count, mid for an odd one) must fall inside the bracket.
            int first = (n & 1) == 1 ? mid : mid - 1;
            if (below + inside + above != n || below > first || below + inside <= mid)
            {
                return null;
            }
            Span<float> gathered = rented.AsSpan(0, inside);
            int k = mid - below;
            float upper = Select(gathered, k);
            return (n & 1) == 1 ? upper : 0.5 * ((double)MaxOf(gathered[..k]) + upper);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > max)
            {
                max = values[i];
            }
        }
        return max;
    }

    /// <summary>Puts the k-th smallest value at index k and returns it; values left of k are not larger, values right of k
    /// not smaller.</summary>
    /// <remarks>Quickselect with a branch-free partition: on noise, whether a value is below the pivot is a coin toss that
    /// a branch predictor loses half the time, so the partition moves every value and advances by the comparison.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Select(Span<float> values, int k)
    {
        int left = 0;
        int right = values.Length - 1;
        while (right - left > 12)
        {
            // Median of three pivot keeps sorted and reverse-sorted inputs linear.
            int middle = left + (right - left) / 2;
            float a = values[left], b = values[middle], c = values[right];
            float pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
            int store = left;
            for (int i = left; i <= right; i++)
            {
                float x = values[i];
                values[i] = values[store];
                values[store] = x;
                store += x < pivot ? 1 : 0;
            }
            if (store == left)
            {
                // Nothing below the pivot (it is the smallest value): gather the values equal to it instead.
                for (int i = left; i <= right; i++)
                {
                    float x = values[i];
                    values[i] = values[store];
                    values[store] = x;
                    store += x == pivot ? 1 : 0;
                }
                if (k < store)
                {
                    return pivot;
                }
                left = store;
            }
            else if (k < store)
            {
                right = store - 1;
            }
            else
            {
                left = store;
            }
        }
        // A short range: insertion sort.
        for (int i = left + 1; i <= right; i++)
        {
            float x = values[i];
            int j = i - 1;
            while (j >= left && values[j] > x)
            {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = x;
        }
        return values[k];
    }
}
