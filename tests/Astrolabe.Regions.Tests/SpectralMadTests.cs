using Astrolabe.Regions.Cubes;
using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Tests;

/// <summary>The spectral noise map's MADs (spectra gathered a vector of pixels at a time, every other pixel of long
/// cubes, at most 128 channels at a stride) against each pixel's spectrum taken one value at a time and sorted; a
/// wrongly gathered spectrum would give another MAD.</summary>
public sealed class SpectralMadTests
{
    [Theory]
    [InlineData(37, 5, 20)]    // short spectra: every pixel, all channels
    [InlineData(64, 4, 80)]    // every other pixel, all channels
    [InlineData(53, 6, 300)]   // every other pixel, every third channel; a row that ends mid-vector
    public void Mad_of_each_sampled_pixel_equals_the_mad_of_its_sorted_spectrum(int width, int height, int channels)
    {
        var random = new Random(width * height + channels);
        var cube = new Cube(width, height, channels);
        for (int i = 0; i < cube.Data.Length; i++)
        {
            cube.Data[i] = (float)(random.NextDouble() * 4 - 2 + (random.Next(50) == 0 ? 30 : 0));
        }
        // A blanked corner: those groups take the per-spectrum path.
        for (int z = 0; z < channels; z++)
        {
            cube.Plane(z)[0] = float.NaN;
        }
        var inverse = Enumerable.Range(0, channels).Select(z => (float)(0.5 + 0.01 * z)).ToArray();

        float[] mad = LocalNoise.SpectralMad(cube, inverse, new ParallelOptions { MaxDegreeOfParallelism = 1 });

        int step = channels >= 64 ? 2 : 1, channelStep = (channels + 127) / 128;
        int sampled = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float actual = mad[y * width + x];
                if (x % step != 0 || y % step != 0)
                {
                    Assert.True(float.IsNaN(actual), $"({x},{y}) is not sampled");
                    continue;
                }
                var spectrum = new List<float>();
                for (int z = 0; z < channels; z += channelStep)
                {
                    float v = cube.Plane(z)[y * width + x] * inverse[z];
                    if (float.IsFinite(v)) spectrum.Add(v);
                }
                float expected = spectrum.Count < LocalNoise.MinimumChannelsForSpectralNoise / 2 ? float.NaN : MadBySorting(spectrum);
                // The lanes' path subtracts a median rounded to float: the same MAD to a few parts in a million.
                Assert.InRange(actual, expected * (1 - 1e-5), expected * (1 + 1e-5));
                sampled++;
            }
        }
        Assert.True(sampled >= width * height / (step * step) - step);
    }

    private static float MadBySorting(List<float> values)
    {
        double median = Middle(values.Select(v => (double)v).Order().ToArray());
        return (float)Middle(values.Select(v => (double)MathF.Abs((float)(v - median))).Order().ToArray());
    }

    private static double Middle(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
}
