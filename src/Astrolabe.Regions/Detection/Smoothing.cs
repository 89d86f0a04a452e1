using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        GaussianRowsX(input, scratch, width, taps, 0, height);
        GaussianRowsY(scratch, output, width, height, taps, 0, height);
    }

    /// <summary>The x pass for rows [<paramref name="y0"/>, <paramref name="y1"/>): each scratch pixel is Σ taps[k] × the
    /// input pixel k away along the row, pixels beyond the row's ends counting as zero. Inside the row a vector of pixels
    /// accumulates every tap in a register and is stored once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GaussianRowsX(ReadOnlySpan<float> input, Span<float> scratch, int width, float[] taps, int y0, int y1)
    {
        int radius = taps.Length / 2, lanes = Vector<float>.Count;
        // Vectors start where every tap stays inside the row.
        int inner0 = radius, inner1 = width - radius;
        int vectorEnd = inner0 + Math.Max(0, (inner1 - inner0) / lanes) * lanes;
        for (int y = y0; y < y1; y++)
        {
            ReadOnlySpan<float> row = input.Slice(y * width, width);
            Span<float> outRow = scratch.Slice(y * width, width);
            ref float rowStart = ref MemoryMarshal.GetReference(row);
            int x = inner0;
            // Four vectors at a time: four independent chains of multiply-adds keep the pipeline full.
            for (; x + 4 * lanes <= vectorEnd; x += 4 * lanes)
            {
                Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int k = 0; k < taps.Length; k++)
                {
                    var w = new Vector<float>(taps[k]);
                    ref float at = ref Unsafe.Add(ref rowStart, x - radius + k);
                    s0 += Vector.LoadUnsafe(ref at) * w;
                    s1 += Vector.LoadUnsafe(ref at, (nuint)lanes) * w;
                    s2 += Vector.LoadUnsafe(ref at, (nuint)(2 * lanes)) * w;
                    s3 += Vector.LoadUnsafe(ref at, (nuint)(3 * lanes)) * w;
                }
                s0.CopyTo(outRow.Slice(x, lanes));
                s1.CopyTo(outRow.Slice(x + lanes, lanes));
                s2.CopyTo(outRow.Slice(x + 2 * lanes, lanes));
                s3.CopyTo(outRow.Slice(x + 3 * lanes, lanes));
            }
            for (; x < vectorEnd; x += lanes)
            {
                var sum = Vector<float>.Zero;
                for (int k = 0; k < taps.Length; k++)
                {
                    sum += Vector.LoadUnsafe(ref Unsafe.Add(ref rowStart, x - radius + k)) * new Vector<float>(taps[k]);
                }
                sum.CopyTo(outRow.Slice(x, lanes));
            }
            for (int edge = 0; edge < width; edge++)
            {
                if (edge >= inner0 && edge < vectorEnd)
                {
                    edge = vectorEnd - 1;
                    continue;
                }
                float sum = 0;
                for (int k = Math.Max(-radius, -edge); k <= Math.Min(radius, width - 1 - edge); k++)
                {
                    sum += taps[k + radius] * row[edge + k];
                }
                outRow[edge] = sum;
            }
        }
    }

    /// <summary>The y pass for output rows [<paramref name="y0"/>, <paramref name="y1"/>): Σ taps[k] × scratch row y + k,
    /// rows beyond the edge counting as zero; a vector of pixels accumulates every tap in a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GaussianRowsY(ReadOnlySpan<float> scratch, Span<float> output, int width, int height, float[] taps, int y0, int y1)
    {
        int radius = taps.Length / 2, lanes = Vector<float>.Count;
        int vectorEnd = width / lanes * lanes;
        ref float start = ref MemoryMarshal.GetReference(scratch);
        for (int y = y0; y < y1; y++)
        {
            Span<float> outRow = output.Slice(y * width, width);
            int kFrom = Math.Max(-radius, -y), kTo = Math.Min(radius, height - 1 - y);
            int x = 0;
            for (; x + 4 * lanes <= vectorEnd; x += 4 * lanes)
            {
                Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int k = kFrom; k <= kTo; k++)
                {
                    var w = new Vector<float>(taps[k + radius]);
                    ref float at = ref Unsafe.Add(ref start, (y + k) * width + x);
                    s0 += Vector.LoadUnsafe(ref at) * w;
                    s1 += Vector.LoadUnsafe(ref at, (nuint)lanes) * w;
                    s2 += Vector.LoadUnsafe(ref at, (nuint)(2 * lanes)) * w;
                    s3 += Vector.LoadUnsafe(ref at, (nuint)(3 * lanes)) * w;
                }
                s0.CopyTo(outRow.Slice(x, lanes));
                s1.CopyTo(outRow.Slice(x + lanes, lanes));
                s2.CopyTo(outRow.Slice(x + 2 * lanes, lanes));
                s3.CopyTo(outRow.Slice(x + 3 * lanes, lanes));
            }
            for (; x < vectorEnd; x += lanes)
            {
                var sum = Vector<float>.Zero;
                for (int k = kFrom; k <= kTo; k++)
                {
                    sum += Vector.LoadUnsafe(ref Unsafe.Add(ref start, (y + k) * width + x)) * new Vector<float>(taps[k + radius]);
                }
                sum.CopyTo(outRow.Slice(x, lanes));
            }
            for (; x < width; x++)
            {
                float sum = 0;
                for (int k = kFrom; k <= kTo; k++)
                {
                    sum += taps[k + radius] * scratch[(y + k) * width + x];
                }
                outRow[x] = sum;
            }
        }
    }
}
