using Astrolabe.Fits;
using Astrolabe.Regions.Catalogue;
using Astrolabe.Regions.Cubes;
using Astrolabe.Regions.Detection;
using Astrolabe.Regions.Pipeline;
using Astrolabe.Regions.Synthetic;

namespace Astrolabe.Regions.Tests;

/// <summary>The finder on the shapes cubes come in: 2-D images, 3-D cubes, 4-D cubes with a degenerate Stokes axis, the
/// Stokes axis before the spectral one, and NaN-blanked data.</summary>
public sealed class InputShapeTests
{
    [Fact]
    public void Two_dimensional_images_with_a_blanked_primary_beam_edge_are_searched()
    {
        var finder = new RegionFinder();
        var scores = new List<DetectionScore>();
        for (int i = 0; i < 20; i++)
        {
            var image = SyntheticCubeGenerator.Generate(new SyntheticCubeSpec { Seed = 9000 + i, Channels = 1, Width = 96, Height = 96, Sources = 10 });
            Assert.Contains(image.Cube.Data, float.IsNaN);
            scores.Add(DetectionScore.Score(image.Sources, finder.Find(image.Cube, image.BeamAreaPixels).Regions));
        }
        var score = DetectionScore.Combine(scores);
        Assert.True(score.CountAbove(5) >= 50);
        Assert.True(score.Completeness(5) >= 0.95, $"completeness {score.Completeness(5):P1}");
        Assert.True(score.Reliability >= 0.95, $"reliability {score.Reliability:P1}");
    }

    [Fact]
    public async Task Three_and_four_dimensional_files_of_the_same_cube_give_the_same_regions()
    {
        var synthetic = SyntheticCubeGenerator.Generate(new SyntheticCubeSpec { Seed = 42 });
        string dir = TestData.NewTempDirectory();
        string four = Path.Combine(dir, "four.fits");
        SyntheticCubeFile.Write(synthetic, four);
        // The same data as NAXIS = 3 (no Stokes axis), and as NAXIS = 4 with Stokes third and frequency fourth.
        var header = SyntheticCubeFile.CreateHeader(synthetic);
        string three = Path.Combine(dir, "three.fits");
        using (var writer = FitsWriter.Create(three))
        {
            var h3 = header.Clone();
            foreach (string k in new[] { "CTYPE4", "CRVAL4", "CDELT4", "CRPIX4" }) h3.Remove(k);
            writer.WriteImage(synthetic.Cube.Data, [64, 64, 32], h3);
        }
        string swapped = Path.Combine(dir, "stokes-first.fits");
        using (var writer = FitsWriter.Create(swapped))
        {
            var hs = header.Clone();
            hs.Set("CTYPE3", "STOKES");
            hs.Set("CRVAL3", 1.0);
            hs.Set("CDELT3", 1.0);
            hs.Set("CRPIX3", 1.0);
            hs.Remove("CUNIT3");
            hs.Set("CTYPE4", "FREQ");
            hs.Set("CRVAL4", synthetic.Spec.RestFrequencyHz);
            hs.Set("CDELT4", synthetic.Spec.ChannelWidthHz);
            hs.Set("CRPIX4", synthetic.ReferenceChannel + 1);
            hs.Set("CUNIT4", "Hz");
            writer.WriteImage(synthetic.Cube.Data, [64, 64, 1, 32], hs);
        }

        var finder = new RegionFinder();
        var a = Strip(await RoiPipeline.ProcessFileAsync(four, finder));
        var b = Strip(await RoiPipeline.ProcessFileAsync(three, finder));
        var c = Strip(await RoiPipeline.ProcessFileAsync(swapped, finder));
        Assert.True(a.Count >= 3);
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.All(a, r => Assert.True(r.FreqMax > r.FreqMin && r.FreqMin > 229e9, $"frequency range {r.FreqMin}..{r.FreqMax}"));
    }

    [Fact]
    public void Blanked_planes_and_blanked_borders_yield_no_regions_there()
    {
        var synthetic = SyntheticCubeGenerator.Generate(new SyntheticCubeSpec { Seed = 43 });
        var cube = synthetic.Cube;
        // Blank two whole channels and a band of columns on top of the primary-beam edge.
        cube.Plane(0).Fill(float.NaN);
        cube.Plane(17).Fill(float.NaN);
        for (int z = 0; z < cube.Channels; z++)
        {
            for (int y = 0; y < cube.Height; y++)
            {
                for (int x = 40; x < 48; x++) cube[x, y, z] = float.NaN;
            }
        }
        var result = new RegionFinder().Find(cube, synthetic.BeamAreaPixels);
        Assert.True(double.IsFinite(result.NoiseSigma));
        Assert.NotEmpty(result.Regions);
        Assert.All(result.Regions, r =>
        {
            Assert.True(double.IsFinite(r.SumIntensity) && double.IsFinite(r.PeakIntensity) && double.IsFinite(r.IntegratedSnr));
            Assert.False(r.CentroidX >= 40 && r.CentroidX < 48 && r.MinX >= 40 && r.MaxX < 48, "a region inside the blanked band");
        });
    }

    [Fact]
    public void Searching_one_cube_on_several_threads_gives_the_same_regions()
    {
        // 80 channels: the long-spectrum noise map path; 2-D image: the edge-distance path.
        foreach (var spec in new[] { new SyntheticCubeSpec { Seed = 45, Channels = 80 }, new SyntheticCubeSpec { Seed = 46, Channels = 1, Width = 96, Height = 96 } })
        {
            var synthetic = SyntheticCubeGenerator.Generate(spec);
            var one = new RegionFinder().Find(synthetic.Cube, synthetic.BeamAreaPixels, parallelism: 1);
            var four = new RegionFinder().Find(synthetic.Cube, synthetic.BeamAreaPixels, parallelism: 4);
            Assert.NotEmpty(one.Regions);
            Assert.Equal(one.NoiseSigma, four.NoiseSigma);
            Assert.Equal(one.Regions, four.Regions);
        }
    }

    [Fact]
    public void An_entirely_blank_cube_has_no_regions_and_no_noise()
    {
        var cube = new Cube(16, 16, 8);
        Array.Fill(cube.Data, float.NaN);
        var result = new RegionFinder().Find(cube);
        Assert.Empty(result.Regions);
        Assert.True(double.IsNaN(result.NoiseSigma));
    }

    [Fact]
    public void Regions_have_consistent_shape_measures()
    {
        var synthetic = SyntheticCubeGenerator.Generate(new SyntheticCubeSpec { Seed = 44 });
        var result = new RegionFinder().Find(synthetic.Cube, synthetic.BeamAreaPixels);
        Assert.NotEmpty(result.Regions);
        foreach (var r in result.Regions)
        {
            Assert.InRange(r.Solidity, 0.01, 1.0);
            Assert.True(r.HullAreaPixels >= r.AreaPixels - 1e-9);
            Assert.True(r.AreaPixels <= (r.MaxX - r.MinX + 1) * (r.MaxY - r.MinY + 1));
            Assert.True(r.Voxels >= r.AreaPixels);
            Assert.InRange(r.CentroidX, r.MinX, r.MaxX);
            Assert.InRange(r.CentroidY, r.MinY, r.MaxY);
            Assert.InRange(r.CentroidChannel, r.MinChannel, r.MaxChannel);
            Assert.True(r.PeakIntensity * r.Voxels >= r.SumIntensity);
        }
    }

    private static List<RegionOfInterest> Strip((IReadOnlyList<RegionOfInterest> Regions, IReadOnlyList<string> Notes) result) =>
        result.Regions.Select(r => r with { File = "" }).ToList();
}
