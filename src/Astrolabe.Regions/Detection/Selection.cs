using System.Runtime.CompilerServices;
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
        int mid = n / 2;
        float upper = Select(values, mid);
        if ((n & 1) == 1)
        {
            return upper;
        }
        // After selection every value left of mid is <= upper; the lower middle is their maximum.
        float lower = values[0];
        for (int i = 1; i < mid; i++)
        {
            if (values[i] > lower)
            {
                lower = values[i];
            }
        }
        return 0.5 * ((double)lower + upper);
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
