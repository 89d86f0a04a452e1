using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Tests;

/// <summary>The median (quickselect, and above 2,048 values the bracket from a fixed-stride sample) against a sort.</summary>
public sealed class SelectionTests
{
    private static double MedianBySorting(float[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * ((double)sorted[n / 2 - 1] + sorted[n / 2]);
    }

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string kind in new[] { "gaussian", "ties", "sorted", "reversed", "skewed", "constant", "two-valued", "striped" })
        {
            foreach (int n in new[] { 1, 2, 13, 100, 2_047, 2_048, 2_049, 5_000, 50_001, 65_536 })
            {
                data.Add(kind, n);
            }
        }
        return data;
    }

    private static float[] Values(string kind, int n)
    {
        var random = new Random(n * 31 + kind.Length);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return kind switch
        {
            "gaussian" => Enumerable.Range(0, n).Select(_ => (float)Gaussian()).ToArray(),
            // Few distinct values: many equal to the median and to the bracket's ends.
            "ties" => Enumerable.Range(0, n).Select(_ => (float)Math.Round(2 * Gaussian())).ToArray(),
            "sorted" => Enumerable.Range(0, n).Select(i => (float)i).ToArray(),
            "reversed" => Enumerable.Range(0, n).Select(i => (float)(n - i)).ToArray(),
            // Emission: a tenth of the values far out on one side.
            "skewed" => Enumerable.Range(0, n).Select(i => (float)(Gaussian() + (i % 10 == 0 ? 50 : 0))).ToArray(),
            "constant" => Enumerable.Repeat(3.5f, n).ToArray(),
            "two-valued" => Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1f : 2f).ToArray(),
            // Periodic with the sample's stride, so the sample is not representative: the bracket misses, the selection answers.
            "striped" => Enumerable.Range(0, n).Select(i => i % Math.Max(1, n / 1024) == 0 ? 100f + i : (float)Gaussian()).ToArray(),
            _ => throw new ArgumentException(kind),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Median_equals_the_middle_of_the_sorted_values(string kind, int n)
    {
        float[] values = Values(kind, n);
        double expected = MedianBySorting(values);
        Assert.Equal(expected, Selection.Median(values.ToArray()));
    }

    [Fact]
    public void Robust_sigma_is_unchanged_by_the_order_of_the_sample()
    {
        float[] values = Values("skewed", 50_000);
        double forward = RobustNoise.SigmaOfSample(values.ToArray());
        double backward = RobustNoise.SigmaOfSample(values.Reverse().ToArray());
        Assert.Equal(forward, backward);
        Assert.InRange(forward, 0.9, 1.2);
    }
}
