namespace Astrolabe.Regions.Detection;

/// <summary>The separable kernels of the multi-scale search: a spatial Gaussian per plane and a spectral boxcar.</summary>
/// <remarks>Blanked (NaN) voxels must have been zeroed by the caller; pixels beyond the edge count as zero.</remarks>
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
        int radius = taps.Length / 2;
        // x pass: scratch row = Σ taps[k] * input row shifted by k (a shifted multiply-add keeps it vectorised).
        scratch.Clear();
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<float> row = input.Slice(y * width, width);
            Span<float> outRow = scratch.Slice(y * width, width);
            for (int k = -radius; k <= radius; k++)
            {
                int from = Math.Max(0, -k);
                int to = Math.Min(width, width - k);
                if (to > from)
                {
                    PlaneArithmetic.MultiplyAdd(row.Slice(from + k, to - from), taps[k + radius], outRow.Slice(from, to - from));
                }
            }
        }
        // y pass: output row y = Σ taps[k] * scratch row y+k.
        output.Clear();
        for (int y = 0; y < height; y++)
        {
            Span<float> outRow = output.Slice(y * width, width);
            for (int k = -radius; k <= radius; k++)
            {
                int source = y + k;
                if (source >= 0 && source < height)
                {
                    PlaneArithmetic.MultiplyAdd(scratch.Slice(source * width, width), taps[k + radius], outRow);
                }
            }
        }
    }

    /// <summary>Sums <paramref name="width"/> neighbouring channels (odd width, centred) of a cube laid out as planes,
    /// with a running sum so the cost does not grow with the width. Only the pixels <paramref name="from"/> ..
    /// from + <paramref name="count"/> of each plane are done, so disjoint pixel ranges can run on different threads.</summary>
    public static void BoxcarSpectral(ReadOnlySpan<float> input, Span<float> output, int planeSize, int channels, int width, int from, int count)
    {
        int half = width / 2;
        Span<float> first = output.Slice(from, count);
        first.Clear();
        for (int z = 0; z <= Math.Min(half, channels - 1); z++)
        {
            PlaneArithmetic.Add(input.Slice(z * planeSize + from, count), first);
        }
        for (int z = 1; z < channels; z++)
        {
            Span<float> current = output.Slice(z * planeSize + from, count);
            output.Slice((z - 1) * planeSize + from, count).CopyTo(current);
            int entering = z + half;
            int leaving = z - half - 1;
            if (entering < channels)
            {
                PlaneArithmetic.Add(input.Slice(entering * planeSize + from, count), current);
            }
            if (leaving >= 0)
            {
                PlaneArithmetic.MultiplyAdd(input.Slice(leaving * planeSize + from, count), -1f, current);
            }
        }
    }
}
