namespace Astrolabe.Regions.Detection;

/// <summary>Order statistics in place (Hoare selection), deterministic and allocation-free.</summary>
internal static class Selection
{
    /// <summary>The median of <paramref name="values"/> (mean of the two middle values for an even count); reorders the span.</summary>
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

    /// <summary>Puts the k-th smallest value at index k and returns it.</summary>
    public static float Select(Span<float> values, int k)
    {
        int left = 0;
        int right = values.Length - 1;
        while (right > left)
        {
            // Median of three pivot keeps sorted and reverse-sorted inputs linear.
            int middle = left + (right - left) / 2;
            float a = values[left], b = values[middle], c = values[right];
            float pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                break;
            }
        }
        return values[k];
    }
}
