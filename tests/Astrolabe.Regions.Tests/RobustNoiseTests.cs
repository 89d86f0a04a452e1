using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Tests;

public sealed class RobustNoiseTests
{
    private static float[] Gaussian(int n, double sigma, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }

    [Fact]
    public void Sigma_of_pure_gaussian_noise_is_its_standard_deviation()
    {
        double sigma = RobustNoise.Sigma(Gaussian(200_000, 2.5, 1));
        Assert.InRange(sigma, 2.5 * 0.98, 2.5 * 1.02);
    }

    [Fact]
    public void Sigma_ignores_bright_signal_and_nans()
    {
        var values = Gaussian(200_000, 1.0, 2);
        var random = new Random(3);
        // 15% of the values carry strong emission, 20% are blanked.
        for (int i = 0; i < values.Length; i++)
        {
            double u = random.NextDouble();
            if (u < 0.15) values[i] += (float)(5 + 50 * random.NextDouble());
            else if (u < 0.35) values[i] = float.NaN;
        }
        double plainStd = StandardDeviationOfFinite(values);
        double sigma = RobustNoise.Sigma(values);
        Assert.True(plainStd > 5, $"the signal should inflate a plain standard deviation (got {plainStd})");
        Assert.InRange(sigma, 0.95, 1.15);
    }

    [Fact]
    public void Sigma_is_nan_without_enough_finite_values()
    {
        var values = new float[1000];
        Array.Fill(values, float.NaN);
        values[0] = 1;
        Assert.True(double.IsNaN(RobustNoise.Sigma(values)));
    }

    [Fact]
    public void Sigma_is_deterministic_when_sampling()
    {
        var values = Gaussian(300_000, 1.0, 4);
        double a = RobustNoise.Sigma(values, maxSamples: 10_000);
        double b = RobustNoise.Sigma(values, maxSamples: 10_000);
        Assert.Equal(a, b);
        Assert.InRange(a, 0.95, 1.05);
    }

    private static double StandardDeviationOfFinite(float[] values)
    {
        double sum = 0, sum2 = 0;
        int n = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            sum += v;
            sum2 += (double)v * v;
            n++;
        }
        double mean = sum / n;
        return Math.Sqrt(sum2 / n - mean * mean);
    }
}
