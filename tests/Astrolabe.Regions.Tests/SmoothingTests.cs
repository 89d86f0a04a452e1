using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Tests;

/// <summary>The spatial Gaussian (vector loops over a zero-padded row, fused multiply-adds, two kernels sharing one x
/// pass) against a plain double-precision convolution with zeros beyond the plane's edges.</summary>
public sealed class SmoothingTests
{
    private static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static double[] Convolve(float[] plane, int width, int height, float[] taps)
    {
        int radius = taps.Length / 2;
        var rows = new double[plane.Length];
        var result = new double[plane.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int k = -radius; k <= radius; k++)
                {
                    if (x + k >= 0 && x + k < width) rows[y * width + x] += taps[k + radius] * (double)plane[y * width + x + k];
                }
            }
        }
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int k = -radius; k <= radius; k++)
                {
                    if (y + k >= 0 && y + k < height) result[y * width + x] += taps[k + radius] * rows[(y + k) * width + x];
                }
            }
        }
        return result;
    }

    // Widths around the vector loops' steps (8 and 32 pixels for 256-bit vectors), narrower than the kernel, and odd.
    [Theory]
    [InlineData(1, 5)]
    [InlineData(7, 3)]
    [InlineData(17, 9)]
    [InlineData(31, 20)]
    [InlineData(64, 33)]
    [InlineData(100, 41)]
    [InlineData(259, 13)]
    public void Gaussian_plane_equals_a_direct_convolution(int width, int height)
    {
        float[] input = Noise(width * height, width);
        foreach (double fwhm in new[] { 3.0, 6.0 })
        {
            float[] taps = Smoothing.GaussianTaps(fwhm);
            var output = new float[input.Length];
            Smoothing.GaussianPlane(input, output, new float[input.Length], width, height, taps);
            double[] expected = Convolve(input, width, height, taps);
            for (int i = 0; i < input.Length; i++)
            {
                Assert.True(Math.Abs(output[i] - expected[i]) < 1e-6, $"FWHM {fwhm}, pixel ({i % width}, {i / width}): {output[i]} vs {expected[i]}");
            }
        }
    }

    [Theory]
    [InlineData(5, 4)]
    [InlineData(40, 7)]
    [InlineData(256, 6)]
    [InlineData(301, 3)]
    public void One_x_pass_for_two_kernels_equals_two_passes(int width, int height)
    {
        float[] input = Noise(width * height, 7 * width);
        float[] shortTaps = Smoothing.GaussianTaps(3), longTaps = Smoothing.GaussianTaps(6);
        var aloneShort = new float[input.Length];
        var aloneLong = new float[input.Length];
        Smoothing.GaussianRowsX(input, aloneShort, width, shortTaps, 0, height);
        Smoothing.GaussianRowsX(input, aloneLong, width, longTaps, 0, height);
        // Either order of the two kernels, over two bands of rows as the threads split them.
        foreach (bool swapped in new[] { false, true })
        {
            var fusedShort = new float[input.Length];
            var fusedLong = new float[input.Length];
            int split = height / 2;
            foreach (var (y0, y1) in new[] { (0, split), (split, height) })
            {
                if (swapped) Smoothing.GaussianRowsX(input, fusedLong, longTaps, fusedShort, shortTaps, width, y0, y1);
                else Smoothing.GaussianRowsX(input, fusedShort, shortTaps, fusedLong, longTaps, width, y0, y1);
            }
            Assert.Equal(aloneShort, fusedShort);
            Assert.Equal(aloneLong, fusedLong);
        }
    }
}

/// <summary>The blanking of each channel as the smoothed planes read it: non-finite voxels (NaN, ±infinity) get the
/// blanked mark and count as zero, in whole vectors, mixed vectors and the tail after the last whole vector.</summary>
public sealed class BlankingTests
{
    [Theory]
    [InlineData(37, 5)]
    [InlineData(64, 4)]
    [InlineData(3, 3)]
    public void Non_finite_voxels_are_marked_and_zeroed(int width, int height)
    {
        int planeSize = width * height;
        float Value(int z, int i) => (i * 7 + z * 3) % 11 switch
        {
            0 => float.NaN,
            1 => float.PositiveInfinity,
            2 => float.NegativeInfinity,
            _ => i < planeSize / 3 && z == 1 ? float.NaN : 0.25f * i - z,
        };
        var planes = new SmoothedPlanes(width, height, 3, new FinderOptions(), new ParallelOptions(), blanked: 255);
        int emitted = 0;
        planes.Run(0, 2, (z, firstRow, rows, data, snr) =>
        {
            for (int i = firstRow * width; i < (firstRow + rows) * width; i++) data[i] = snr[i] = Value(z, i);
        }, slice: null, parallelSlices: false, (z, slot) =>
        {
            emitted++;
            float[] snr = planes.Snr(slot);
            byte[] blank = planes.Blank(slot);
            for (int i = 0; i < planeSize; i++)
            {
                float v = Value(z, i);
                Assert.Equal(float.IsFinite(v) ? (byte)0 : (byte)255, blank[i]);
                Assert.Equal(float.IsFinite(v) ? v : 0f, snr[i]);
            }
        });
        Assert.Equal(3, emitted);
    }
}

/// <summary>The ring's channels are read, blanked and smoothed a band of rows at a time on one thread: the smoothed planes
/// equal a whole-plane convolution of the blanked S/N, bit for bit, for planes of one band and of several.</summary>
public sealed class BandedSmoothingTests
{
    [Theory]
    [InlineData(37, 5)]
    [InlineData(300, 130)]
    [InlineData(2000, 23)]
    public void Banded_smoothing_equals_whole_plane_smoothing(int width, int height)
    {
        int planeSize = width * height;
        var random = new Random(width + height);
        var cube = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, planeSize)
            .Select(i => random.Next(40) == 0 ? float.NaN : (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var options = new FinderOptions();
        var planes = new SmoothedPlanes(width, height, 3, options, new ParallelOptions { MaxDegreeOfParallelism = 1 }, blanked: 255);
        int emitted = 0;
        planes.Run(0, 2, (z, firstRow, rows, data, snr) =>
        {
            cube[z].AsSpan(firstRow * width, rows * width).CopyTo(data[(firstRow * width)..]);
            cube[z].AsSpan(firstRow * width, rows * width).CopyTo(snr[(firstRow * width)..]);
        }, slice: null, parallelSlices: false, (z, slot) =>
        {
            emitted++;
            var zeroed = cube[z].Select(v => float.IsFinite(v) ? v : 0f).ToArray();
            // Combinations run spatial scale by spatial scale, each with its spectral scales: the first of each is unsmoothed spectrally.
            for (int s = 0; s < options.SpatialScalesPixels.Count; s++)
            {
                double fwhm = options.SpatialScalesPixels[s];
                var expected = zeroed.ToArray();
                if (fwhm > 0)
                {
                    Smoothing.GaussianPlane(zeroed, expected, new float[planeSize], width, height, Smoothing.GaussianTaps(fwhm));
                }
                Assert.Equal(expected, planes.Plane(s * options.SpectralScalesChannels.Count, slot));
            }
        });
        Assert.Equal(3, emitted);
    }
}

/// <summary>A run that starts inside the channels the ring still holds from the previous run (the clip-level sample's
/// early run, then the search) does not read them again, and gives the same planes as a run from scratch.</summary>
public sealed class RingReuseTests
{
    [Fact]
    public void Channels_held_from_the_previous_run_are_reused_with_the_same_planes()
    {
        const int width = 40, height = 30, channels = 20;
        int planeSize = width * height;
        var random = new Random(5);
        var cube = Enumerable.Range(0, channels).Select(_ => Enumerable.Range(0, planeSize)
            .Select(i => random.Next(30) == 0 ? float.NaN : (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var options = new FinderOptions();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        var reads = new int[channels];
        void Read(int z, int firstRow, int rows, Span<float> data, Span<float> snr)
        {
            if (firstRow == 0) reads[z]++;
            cube[z].AsSpan(firstRow * width, rows * width).CopyTo(data[(firstRow * width)..]);
            cube[z].AsSpan(firstRow * width, rows * width).CopyTo(snr[(firstRow * width)..]);
        }
        List<float[]> Planes(SmoothedPlanes planes)
        {
            var all = new List<float[]>();
            planes.Run(0, channels - 1, Read, slice: null, parallelSlices: false,
                (_, slot) => all.AddRange(Enumerable.Range(0, planes.Count).Select(k => planes.Plane(k, slot).ToArray())));
            return all;
        }

        var fresh = Planes(new SmoothedPlanes(width, height, channels, options, parallel, blanked: 255));
        Array.Clear(reads);
        var reused = new SmoothedPlanes(width, height, channels, options, parallel, blanked: 255);
        reused.Run(14, 15, Read, slice: null, parallelSlices: false, (_, _) => { });
        reused.Run(3, 4, Read, slice: null, parallelSlices: false, (_, _) => { });
        var afterwards = Planes(reused);

        Assert.Equal(fresh.Count, afterwards.Count);
        for (int i = 0; i < fresh.Count; i++)
        {
            Assert.Equal(fresh[i], afterwards[i]);
        }
        // Channels 0..7 (the run at 3..4 and its boxcars' reach) were read once; the search read the rest once more.
        Assert.All(Enumerable.Range(0, 8), z => Assert.Equal(1, reads[z]));
        Assert.All(Enumerable.Range(11, 8), z => Assert.Equal(2, reads[z]));
    }
}
