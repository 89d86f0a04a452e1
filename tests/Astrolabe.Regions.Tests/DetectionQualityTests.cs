using Astrolabe.Regions.Detection;
using Astrolabe.Regions.Synthetic;

namespace Astrolabe.Regions.Tests;

/// <summary>Detection quality on cubes from the synthetic generator (64x64x32, beam 4x3 px, NaN primary-beam edge,
/// sources with integrated S/N 2..40), pooled over 40 cubes so that each figure rests on about 100 sources.</summary>
public sealed class DetectionQualityTests : IClassFixture<DetectionQualityTests.Run>
{
    /// <summary>Generates the cubes and runs the finder once for all tests in this class.</summary>
    public sealed class Run
    {
        public Run()
        {
            var finder = new RegionFinder();
            var scores = new List<DetectionScore>();
            for (int i = 0; i < Cubes; i++)
            {
                var synthetic = SyntheticCubeGenerator.Generate(new SyntheticCubeSpec { Seed = 7000 + i });
                var result = finder.Find(synthetic.Cube, synthetic.BeamAreaPixels);
                scores.Add(DetectionScore.Score(synthetic.Sources, result.Regions));
            }
            Score = DetectionScore.Combine(scores);
        }

        public const int Cubes = 40;
        public DetectionScore Score { get; }
    }

    private readonly DetectionScore _score;

    public DetectionQualityTests(Run run) => _score = run.Score;

    [Fact]
    public void Enough_sources_above_snr_5_to_measure_completeness()
    {
        Assert.True(_score.CountAbove(5) >= 80, $"only {_score.CountAbove(5)} sources with S/N >= 5");
        // The population also holds faint sources, so the finder is tried where it must say no.
        Assert.True(_score.SourceCount - _score.CountAbove(5) >= 40);
    }

    [Fact]
    public void Completeness_is_at_least_95_percent_for_integrated_snr_5()
    {
        double completeness = _score.Completeness(5);
        Assert.True(completeness >= 0.95, $"completeness {completeness:P1}; missed: " +
            string.Join("; ", _score.Missed.Where(s => s.IntegratedSnr >= 5).Select(s => $"S/N {s.IntegratedSnr:F1} at ({s.X:F0},{s.Y:F0},{s.Channel:F0})")));
    }

    [Fact]
    public void Reliability_is_at_least_95_percent()
    {
        Assert.True(_score.Reliability >= 0.95, $"reliability {_score.Reliability:P1}: {_score.Spurious.Count} spurious of {_score.DetectionCount}");
    }

    [Fact]
    public void Faint_sources_below_snr_3_are_mostly_not_claimed()
    {
        // A finder that reported everything would pass completeness; it must not find most sources buried in noise.
        int faint = _score.Matches.Count(m => m.Source.IntegratedSnr < 3) + _score.Missed.Count(s => s.IntegratedSnr < 3);
        int found = _score.Matches.Count(m => m.Source.IntegratedSnr < 3);
        Assert.True(faint >= 10);
        Assert.True(found < faint * 0.8, $"{found} of {faint} sources below S/N 3 found");
    }

    [Fact]
    public void Centroids_are_within_one_pixel()
    {
        var bright = _score.Matches.Where(m => m.Source.IntegratedSnr >= 10).ToList();
        Assert.NotEmpty(bright);
        Assert.All(bright, m => Assert.True(m.CentroidOffsetPixels <= 1.0, $"S/N {m.Source.IntegratedSnr:F1}: offset {m.CentroidOffsetPixels:F2} px"));
        // Down to S/N 5 the centroid scatters more; 95% still land within a pixel.
        var all = _score.Matches.Where(m => m.Source.IntegratedSnr >= 5).ToList();
        double within = all.Count(m => m.CentroidOffsetPixels <= 1.0) / (double)all.Count;
        Assert.True(within >= 0.95, $"{within:P1} within one pixel");
    }

    [Fact]
    public void Line_centre_is_inside_the_channel_range()
    {
        Assert.All(_score.Matches.Where(m => m.Source.IntegratedSnr >= 5), m =>
            Assert.InRange(m.Source.Channel, m.Region.MinChannel - 0.5, m.Region.MaxChannel + 0.5));
    }

    /// <summary>Stated tolerances for sources with S/N >= 10: axes (FWHM) within 40% each and within 10% in the median,
    /// flux within 35% each and 10% in the median, footprint area within a factor 0.5..3 of the pixels where the model
    /// reaches the local noise.</summary>
    [Fact]
    public void Properties_are_within_stated_tolerances()
    {
        var bright = _score.Matches.Where(m => m.Source.IntegratedSnr >= 10).ToList();
        var majorRatios = new List<double>();
        var minorRatios = new List<double>();
        var fluxRatios = new List<double>();
        const double beamAreaPixels = Math.PI / (4 * 0.6931471805599453) * 4.0 * 3.0;
        double channelKmS = SyntheticCube.SpeedOfLightKmS * 976_562.5 / 230.538e9;
        foreach (var m in bright)
        {
            var (a, b, _) = Catalogue.RegionOfInterest.PrincipalAxes(m.Region.MomentXX, m.Region.MomentYY, m.Region.MomentXY);
            majorRatios.Add(a * 2.3548200450309493 / m.Source.MajorFwhmPixels);
            minorRatios.Add(b * 2.3548200450309493 / m.Source.MinorFwhmPixels);
            fluxRatios.Add(m.Region.SumIntensity / beamAreaPixels * channelKmS / m.Source.FluxJyKmS);
            double area = m.Region.AreaPixels / (double)m.Source.FootprintPixels;
            Assert.InRange(area, 0.5, 3.0);
        }
        Assert.All(majorRatios, r => Assert.InRange(r, 0.6, 1.4));
        Assert.All(minorRatios, r => Assert.InRange(r, 0.6, 1.4));
        Assert.All(fluxRatios, r => Assert.InRange(r, 0.65, 1.35));
        Assert.InRange(Median(majorRatios), 0.9, 1.1);
        Assert.InRange(Median(minorRatios), 0.9, 1.1);
        Assert.InRange(Median(fluxRatios), 0.9, 1.1);
    }

    /// <summary>Observed sources are at most about twice as long as wide (the beam rounds them), so the PA is loose:
    /// for S/N >= 10 and axis ratio >= 1.4 the median error is within 12 degrees and none is off by more than 40.</summary>
    [Fact]
    public void Position_angle_of_elongated_sources_is_measured()
    {
        var elongated = _score.Matches.Where(m => m.Source.IntegratedSnr >= 10 && m.Source.MajorFwhmPixels >= 1.4 * m.Source.MinorFwhmPixels).ToList();
        Assert.True(elongated.Count >= 5, $"only {elongated.Count} elongated bright sources");
        var errors = new List<double>();
        foreach (var m in elongated)
        {
            var (_, _, paDeg) = SyntheticCubeGenerator.Axes(m.Region.MomentXX, m.Region.MomentYY, m.Region.MomentXY);
            double diff = Math.Abs(paDeg - m.Source.PaDeg) % 180;
            errors.Add(Math.Min(diff, 180 - diff));
        }
        Assert.True(Median(errors) <= 12, $"median PA error {Median(errors):F1} deg");
        Assert.All(errors, e => Assert.True(e <= 40, $"PA error {e:F0} deg"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : 0.5 * (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]);
    }
}
