using System.Numerics;
using System.Runtime.Intrinsics;
using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Tests;

/// <summary>The hot kernels compiled for 512-bit vectors (<see cref="Lanes512"/>) and for <see cref="Vector{T}"/>
/// (<see cref="LanesOfVector"/>), each instantiation called directly: both give, bit for bit, what a scalar loop doing the
/// same operations in the same order gives. (Where the CPU lacks 512-bit vectors the runtime emulates them, so both
/// instantiations run on any machine.) Lengths around both widths' vector steps, odd ones and ones shorter than a
/// vector.</summary>
public sealed class LanesTests
{
    private static readonly int[] Widths = [1, 5, 8, 15, 16, 17, 31, 33, 64, 100, 127, 128, 129, 256, 259];

    private static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}, value {i}: {expected[i]:R} expected, {actual[i]:R} found");
            }
        }
    }

    /// <summary>The x pass as scalar fused multiply-adds over the row padded with zeros, taps in order; kernel A's window
    /// centred inside B's.</summary>
    private static void ScalarRowsX(float[] input, float[] outA, float[] tapsA, float[] outB, float[] tapsB, int width, int height)
    {
        int radius = tapsB.Length / 2, inset = radius - tapsA.Length / 2;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float a = 0, b = 0;
                for (int k = 0; k < tapsB.Length; k++)
                {
                    int at = x + k - radius;
                    float v = at >= 0 && at < width ? input[y * width + at] : 0f;
                    b = MathF.FusedMultiplyAdd(v, tapsB[k], b);
                    if (k - inset >= 0 && k - inset < tapsA.Length)
                    {
                        a = MathF.FusedMultiplyAdd(v, tapsA[k - inset], a);
                    }
                }
                outB[y * width + x] = b;
                outA[y * width + x] = a;
            }
        }
    }

    [Fact]
    public void Gaussian_x_pass_is_the_same_on_both_widths_as_scalar()
    {
        float[] shortTaps = Smoothing.GaussianTaps(3), longTaps = Smoothing.GaussianTaps(6);
        foreach (int width in Widths)
        {
            const int height = 3;
            float[] input = Noise(width * height, width);
            // Two kernels sharing one pass, and one kernel alone (its own eight-chain loop).
            var expectedShort = new float[input.Length];
            var expectedLong = new float[input.Length];
            ScalarRowsX(input, expectedShort, shortTaps, expectedLong, longTaps, width, height);
            var expectedAlone = new float[input.Length];
            ScalarRowsX(input, new float[input.Length], longTaps, expectedAlone, longTaps, width, height);

            var wideShort = new float[input.Length];
            var wideLong = new float[input.Length];
            var wideAlone = new float[input.Length];
            Smoothing.GaussianRowsX<Lanes512, Vector512<float>>(input, wideShort, shortTaps, wideLong, longTaps, width, 0, height);
            Smoothing.GaussianRowsX<Lanes512, Vector512<float>>(input, wideAlone, longTaps, wideAlone, longTaps, width, 0, height);
            var narrowShort = new float[input.Length];
            var narrowLong = new float[input.Length];
            var narrowAlone = new float[input.Length];
            Smoothing.GaussianRowsX<LanesOfVector, Vector<float>>(input, narrowLong, longTaps, narrowShort, shortTaps, width, 0, height);
            Smoothing.GaussianRowsX<LanesOfVector, Vector<float>>(input, narrowAlone, longTaps, narrowAlone, longTaps, width, 0, height);

            AssertBits(expectedShort, wideShort, $"512-bit, short kernel, width {width}");
            AssertBits(expectedLong, wideLong, $"512-bit, long kernel, width {width}");
            AssertBits(expectedAlone, wideAlone, $"512-bit, one kernel, width {width}");
            AssertBits(expectedShort, narrowShort, $"Vector<T>, short kernel, width {width}");
            AssertBits(expectedLong, narrowLong, $"Vector<T>, long kernel, width {width}");
            AssertBits(expectedAlone, narrowAlone, $"Vector<T>, one kernel, width {width}");
        }
    }

    [Fact]
    public void Gaussian_y_pass_is_the_same_on_both_widths_as_scalar()
    {
        float[] taps = Smoothing.GaussianTaps(6);
        int radius = taps.Length / 2;
        foreach (int width in Widths)
        {
            foreach (int height in new[] { 1, 4, 23 })
            {
                float[] input = Noise(width * height, 3 * width + height);
                var expected = new float[input.Length];
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        float sum = 0;
                        for (int k = Math.Max(-radius, -y); k <= Math.Min(radius, height - 1 - y); k++)
                        {
                            sum = MathF.FusedMultiplyAdd(input[(y + k) * width + x], taps[k + radius], sum);
                        }
                        expected[y * width + x] = sum;
                    }
                }
                var wide = new float[input.Length];
                var narrow = new float[input.Length];
                // In two bands of rows, as the banded smoothing calls it.
                foreach (var (y0, y1) in new[] { (0, height / 2), (height / 2, height) })
                {
                    Smoothing.GaussianRowsY<Lanes512, Vector512<float>>(input, wide, width, height, taps, y0, y1);
                    Smoothing.GaussianRowsY<LanesOfVector, Vector<float>>(input, narrow, width, height, taps, y0, y1);
                }
                AssertBits(expected, wide, $"512-bit, {width}×{height}");
                AssertBits(expected, narrow, $"Vector<T>, {width}×{height}");
            }
        }
    }

    /// <summary>Values mostly below 2.5, some above; a mask with some voxels already taken (blanked or detected earlier).</summary>
    private static (float[] Values, byte[] Mask) ClipInput(int length, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() < 0.03 ? 3 + random.NextDouble() : random.NextDouble() * 2.4)).ToArray();
        var mask = Enumerable.Range(0, length).Select(_ => random.NextDouble() < 0.1 ? (byte)9 : (byte)0).ToArray();
        return (values, mask);
    }

    private static byte[] ScalarMark(float[] values, byte[] mask, float level)
    {
        var expected = (byte[])mask.Clone();
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] > level && expected[i] == 0)
            {
                expected[i] = 5;
            }
        }
        return expected;
    }

    [Fact]
    public void Clip_marks_the_same_on_both_widths_as_scalar()
    {
        foreach (int length in Widths.Append(8192))
        {
            foreach (float level in new[] { 2.5f, float.NaN })
            {
                var (values, mask) = ClipInput(length, length);
                byte[] expected = ScalarMark(values, mask, level);
                byte[] wide = (byte[])mask.Clone(), narrow = (byte[])mask.Clone();
                PlaneClipping.MarkAbove<Lanes512, Vector512<float>>(values, level, wide, 0, 5);
                PlaneClipping.MarkAbove<LanesOfVector, Vector<float>>(values, level, narrow, 0, 5);
                Assert.Equal(expected, wide);
                Assert.Equal(expected, narrow);
                if (float.IsFinite(level) && length >= 100)
                {
                    // The inputs do reach the marking path.
                    Assert.Contains((byte)5, expected);
                }
            }
        }
    }

    [Fact]
    public void Boxcar_update_with_clip_is_the_same_on_both_widths_as_scalar()
    {
        foreach (int length in Widths.Append(8192))
        {
            foreach (float level in new[] { 2.5f, float.NaN })
            {
                var (sum, mask) = ClipInput(length, 2 * length);
                float[] entering = Noise(length, 3 * length), leaving = Noise(length, 5 * length);
                var expectedSum = new float[length];
                for (int i = 0; i < length; i++)
                {
                    expectedSum[i] = sum[i] + entering[i] - leaving[i];
                }
                byte[] expectedMask = ScalarMark(expectedSum, mask, level);
                float[] wideSum = (float[])sum.Clone(), narrowSum = (float[])sum.Clone();
                byte[] wide = (byte[])mask.Clone(), narrow = (byte[])mask.Clone();
                PlaneClipping.AddDifferenceMarkAbove<Lanes512, Vector512<float>>(entering, leaving, wideSum, level, wide, 0, 5);
                PlaneClipping.AddDifferenceMarkAbove<LanesOfVector, Vector<float>>(entering, leaving, narrowSum, level, narrow, 0, 5);
                AssertBits(expectedSum, wideSum, $"512-bit sums, length {length}");
                AssertBits(expectedSum, narrowSum, $"Vector<T> sums, length {length}");
                Assert.Equal(expectedMask, wide);
                Assert.Equal(expectedMask, narrow);
            }
        }
    }

    [Fact]
    public void Blanking_is_the_same_on_both_widths_as_scalar()
    {
        foreach (int length in Widths.Append(1000))
        {
            var random = new Random(length);
            // Runs of blanks as at a primary-beam edge, and lone NaNs and infinities among finite values.
            float[] snr = Enumerable.Range(0, length).Select(i => i < length / 5 ? float.NaN : random.Next(23) switch
            {
                0 => float.NaN,
                1 => float.PositiveInfinity,
                2 => float.NegativeInfinity,
                _ => (float)(random.NextDouble() - 0.5),
            }).ToArray();
            float[] expected = snr.Select(v => float.IsFinite(v) ? v : 0f).ToArray();
            byte[] expectedBlank = snr.Select(v => float.IsFinite(v) ? (byte)0 : (byte)200).ToArray();
            float[] wide = (float[])snr.Clone(), narrow = (float[])snr.Clone();
            // The blank marks are written over whatever the plane held before.
            byte[] wideBlank = Enumerable.Repeat((byte)7, length).ToArray(), narrowBlank = Enumerable.Repeat((byte)7, length).ToArray();
            SmoothedPlanes.ZeroBlanks<Lanes512, Vector512<float>>(wide, wideBlank, 200);
            SmoothedPlanes.ZeroBlanks<LanesOfVector, Vector<float>>(narrow, narrowBlank, 200);
            AssertBits(expected, wide, $"512-bit S/N, length {length}");
            AssertBits(expected, narrow, $"Vector<T> S/N, length {length}");
            Assert.Equal(expectedBlank, wideBlank);
            Assert.Equal(expectedBlank, narrowBlank);
        }
    }

    [Fact]
    public void Noise_scaling_and_sums_are_the_same_on_both_widths_as_scalar()
    {
        foreach (int length in Widths)
        {
            float[] data = Noise(length, length), map = Noise(length, 7 * length);
            data[0] = float.NaN;
            const float channel = 1.7f;
            float[] expected = data.Select((v, i) => v * channel * map[i]).ToArray();
            float[] wide = new float[length], narrow = new float[length];
            PlaneArithmetic.ScaleMultiply<Lanes512, Vector512<float>>(data, channel, map, wide);
            PlaneArithmetic.ScaleMultiply<LanesOfVector, Vector<float>>(data, channel, map, narrow);
            AssertBits(expected, wide, $"512-bit, length {length}");
            AssertBits(expected, narrow, $"Vector<T>, length {length}");
            // The boxcars' fresh sums.
            float[] sum = data.Select((v, i) => v + map[i]).ToArray();
            PlaneArithmetic.Add<Lanes512, Vector512<float>>(map, wide = data.ToArray());
            PlaneArithmetic.Add<LanesOfVector, Vector<float>>(map, narrow = data.ToArray());
            AssertBits(sum, wide, $"512-bit sum, length {length}");
            AssertBits(sum, narrow, $"Vector<T> sum, length {length}");
        }
    }

    /// <summary>The MAD as the lanes compute it: the median of the sorted values (the mean of the middle two in double),
    /// rounded to float, then the float deviations' median the same way.</summary>
    private static float MadAsTheLanesTakeIt(float[] values)
    {
        static double Middle(float[] sorted) => sorted.Length % 2 == 1
            ? sorted[sorted.Length / 2]
            : 0.5 * ((double)sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
        float median = (float)Middle(values.Order().ToArray());
        return (float)Middle(values.Select(v => MathF.Abs(v - median)).Order().ToArray());
    }

    [Theory]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(128)]
    public void Spectral_mads_are_the_same_on_both_widths(int length)
    {
        // 16 spectra: one 512-bit group, or two, four… groups of Vector<T>'s lanes; each lane's MAD must be the same.
        const int spectra = 16;
        var random = new Random(length);
        float[][] values = Enumerable.Range(0, spectra).Select(lane => Enumerable.Range(0, length)
            .Select(_ => (float)Math.Round((random.NextDouble() - 0.5) * (1 + lane), lane % 3 == 0 ? 1 : 6)).ToArray()).ToArray();
        var wide = new Vector512<float>[LaneMedians.PaddedLength(length)];
        for (int u = 0; u < length; u++)
        {
            wide[u] = Vector512.Create(Enumerable.Range(0, spectra).Select(lane => values[lane][u]).ToArray());
        }
        var wideMads = new float[spectra];
        LaneMedians.Mad<Lanes512, Vector512<float>>(wide, length, wideMads);
        int lanes = Vector<float>.Count;
        var narrowMads = new float[spectra];
        for (int first = 0; first < spectra; first += lanes)
        {
            var narrow = new Vector<float>[LaneMedians.PaddedLength(length)];
            for (int u = 0; u < length; u++)
            {
                narrow[u] = new Vector<float>(Enumerable.Range(first, lanes).Select(lane => values[lane][u]).ToArray());
            }
            LaneMedians.Mad<LanesOfVector, Vector<float>>(narrow, length, narrowMads.AsSpan(first, lanes));
        }
        AssertBits(narrowMads, wideMads, $"{length} channels");
        for (int lane = 0; lane < spectra; lane++)
        {
            Assert.Equal(MadAsTheLanesTakeIt(values[lane]), wideMads[lane]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Spectral_mads_of_a_row_are_the_same_on_both_widths(int step)
    {
        // A row of 100 pixels (groups of 8 and 16 spectra, a partial group at the end), blanks in a few pixels.
        const int width = 100, used = 40;
        var random = new Random(step);
        float[] rows = Enumerable.Range(0, width * used).Select(i => (i % width) is 3 or 50 && i / width == 7 ? float.NaN : (float)(random.NextDouble() - 0.5)).ToArray();
        float[] inverse = Enumerable.Range(0, used).Select(u => 1 + 0.01f * u).ToArray();
        int workLength = (LaneMedians.PaddedLength(used) + 1) * Vector512<float>.Count + used;
        float[] wide = Enumerable.Repeat(float.NaN, width).ToArray(), narrow = Enumerable.Repeat(float.NaN, width).ToArray();
        LocalNoise.SpectralMadOfRow<Lanes512, Vector512<float>>(rows, new float[workLength], inverse, 1, wide, step);
        LocalNoise.SpectralMadOfRow<LanesOfVector, Vector<float>>(rows, new float[workLength], inverse, 1, narrow, step);
        AssertBits(narrow, wide, $"step {step}");
        for (int x = 0; x < width; x += step)
        {
            // Groups with a blank take the per-spectrum selection (a 16-lane group has more of them): the same MAD.
            float[] spectrum = Enumerable.Range(0, used).Select(u => rows[u * width + x] * inverse[u]).Where(float.IsFinite).ToArray();
            Assert.Equal(MadAsTheLanesTakeIt(spectrum), wide[x]);
        }
    }
}
