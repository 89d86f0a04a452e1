using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Tests;

/// <summary>The clipped MAD sigma with brackets carried between iterations (<see cref="ClippedSigma"/>) against the direct
/// computation (median by selection, deviations, their median, compaction, every iteration): the same value, bit for bit.</summary>
public sealed class ClippedSigmaTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string kind in new[] { "gaussian", "emission", "absorption", "ties", "sorted", "constant", "mostly-constant", "striped", "heavy-tails" })
        {
            foreach (int n in new[] { 1_024, 1_500, 2_047, 2_500, 9_999, 50_000, 150_001 })
            {
                data.Add(kind, n);
            }
        }
        return data;
    }

    private static float[] Values(string kind, int n)
    {
        var random = new Random(n * 17 + kind.Length);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return kind switch
        {
            "gaussian" => Enumerable.Range(0, n).Select(_ => (float)(3 + 0.5 * Gaussian())).ToArray(),
            // A source: a fifth of the values carry bright emission, so several clips move the median and the MAD.
            "emission" => Enumerable.Range(0, n).Select(_ => (float)(Gaussian() + (random.NextDouble() < 0.2 ? 3 + 40 * random.NextDouble() : 0))).ToArray(),
            "absorption" => Enumerable.Range(0, n).Select(_ => (float)(Gaussian() - (random.NextDouble() < 0.3 ? 2 + 5 * random.NextDouble() : 0))).ToArray(),
            "ties" => Enumerable.Range(0, n).Select(_ => (float)Math.Round(3 * Gaussian())).ToArray(),
            "sorted" => Enumerable.Range(0, n).Select(i => (float)i).ToArray(),
            "constant" => Enumerable.Repeat(1.25f, n).ToArray(),
            // A zero MAD with a few values far out.
            "mostly-constant" => Enumerable.Range(0, n).Select(i => i % 50 == 0 ? (float)(100 * Gaussian()) : 0f).ToArray(),
            // Periodic with the brackets' sample stride: the samples are not representative, the brackets miss.
            "striped" => Enumerable.Range(0, n).Select(i => i % Math.Max(1, n / 128) == 0 ? 1e4f + i : (float)Gaussian()).ToArray(),
            "heavy-tails" => Enumerable.Range(0, n).Select(_ => (float)(Gaussian() / Math.Max(0.05, random.NextDouble()))).ToArray(),
            _ => throw new ArgumentException(kind),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Clipped_sigma_equals_the_direct_computation(string kind, int n)
    {
        float[] values = Values(kind, n);
        double expected = RobustNoise.SigmaBySelection(values.ToArray());
        double actual = RobustNoise.SigmaOfSample(values.ToArray());
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(2.5, 2)]
    [InlineData(3.5, 8)]
    [InlineData(5.0, 1)]
    public void Clip_factor_and_iteration_limit_are_honoured_alike(double clip, int iterations)
    {
        float[] values = Values("emission", 20_000);
        double expected = RobustNoise.SigmaBySelection(values.ToArray(), clip, iterations);
        Assert.Equal(expected, RobustNoise.SigmaOfSample(values.ToArray(), clip, iterations));
    }

    [Fact]
    public void A_clip_that_leaves_too_few_values_stops_as_the_direct_computation_does()
    {
        float[] values = Values("emission", 4_000);
        double expected = RobustNoise.SigmaBySelection(values.ToArray(), clip: 0.01, minimumCount: 3_900);
        Assert.Equal(expected, RobustNoise.SigmaOfSample(values.ToArray(), clip: 0.01, minimumCount: 3_900));
    }
}
