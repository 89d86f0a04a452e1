using System.Numerics;
using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Tests;

/// <summary>The vectorised MAD (one spectrum per lane, sorting network) against a plain sort of each spectrum.</summary>
public sealed class LaneMediansTests
{
    private static double MadBySorting(float[] values)
    {
        var sorted = values.Select(v => (double)v).Order().ToArray();
        double median = Middle(sorted);
        var deviations = values.Select(v => Math.Abs(v - median)).Order().ToArray();
        return Middle(deviations);
    }

    private static double Middle(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(128)]
    public void Mad_of_every_lane_equals_the_mad_of_its_sorted_spectrum(int length)
    {
        int lanes = Vector<float>.Count;
        var random = new Random(length);
        var spectra = new float[lanes][];
        for (int lane = 0; lane < lanes; lane++)
        {
            // Noise of a different width per lane, a line in some channels, repeated values in one lane.
            double sigma = 0.5 + lane;
            spectra[lane] = Enumerable.Range(0, length).Select(u =>
            {
                double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                double noise = sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                double line = u >= length / 3 && u < length / 3 + 4 ? 40 * sigma : 0;
                return lane == 1 ? (float)Math.Round(noise) : (float)(noise + line);
            }).ToArray();
        }
        var block = new Vector<float>[LaneMedians.PaddedLength(length)];
        for (int u = 0; u < length; u++)
        {
            block[u] = new Vector<float>(Enumerable.Range(0, lanes).Select(lane => spectra[lane][u]).ToArray());
        }
        var mads = new float[lanes];
        LaneMedians.Mad(block, length, mads);
        for (int lane = 0; lane < lanes; lane++)
        {
            double expected = MadBySorting(spectra[lane]);
            Assert.True(expected > 0, "test spectra have a positive MAD");
            Assert.InRange(mads[lane], expected * (1 - 1e-5), expected * (1 + 1e-5));
        }
    }
}
