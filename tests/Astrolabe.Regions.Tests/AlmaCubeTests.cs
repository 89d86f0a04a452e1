using Astrolabe.Regions.Catalogue;
using Astrolabe.Regions.Detection;
using Astrolabe.Regions.Pipeline;

namespace Astrolabe.Regions.Tests;

/// <summary>The real ALMA Science Verification cube of Orion KL (100x100x41, 4-D with a degenerate Stokes axis, old CASA
/// PC00i00j cards, descending frequency axis, JY/BEAM).</summary>
public sealed class AlmaCubeTests
{
    private static async Task<IReadOnlyList<RegionOfInterest>> FindAsync()
    {
        var (regions, notes) = await RoiPipeline.ProcessFileAsync(TestData.AlmaCube, new RegionFinder());
        Assert.Empty(notes);
        return regions;
    }

    [Fact]
    public async Task Regions_are_found_near_orion_kl()
    {
        var regions = await FindAsync();
        Assert.NotEmpty(regions);
        Assert.All(regions, r =>
        {
            // The field is 100 pixels of about 0.4 arcsec around RA 83.81, Dec -5.37.
            Assert.InRange(r.Ra, 83.80, 83.82);
            Assert.InRange(r.Dec, -5.39, -5.36);
        });
        var brightest = regions.MaxBy(r => r.Peak)!;
        Assert.InRange(brightest.Ra, 83.805, 83.815);
        Assert.InRange(brightest.Dec, -5.380, -5.370);
    }

    [Fact]
    public async Task Frequencies_velocities_and_units_come_from_the_header()
    {
        var regions = await FindAsync();
        foreach (var r in regions)
        {
            // 41 channels around the 229.759 GHz methanol line (RESTFRQ), frequency axis descending.
            Assert.InRange(r.FreqMin, 229.70e9, 229.80e9);
            Assert.InRange(r.FreqMax, r.FreqMin, 229.80e9);
            Assert.True(r.VradMax > r.VradMin);
            Assert.InRange(r.VradMin, -60, 60);
            Assert.Equal("Jy/beam", r.PeakUnit);
            Assert.Equal("Jy.km/s", r.FluxUnit);
            Assert.True(r.Flux > 0 && r.Snr > 0 && r.AreaArcsec2 > 0 && r.MajorArcsec >= r.MinorArcsec);
            Assert.InRange(r.Eccentricity, 0, 1);
            Assert.InRange(r.Solidity, 0.01, 1);
            Assert.InRange(r.PaDeg, 0, 180);
        }
    }

    [Fact]
    public async Task The_same_cube_gives_the_same_regions_every_time()
    {
        var first = await FindAsync();
        var second = await FindAsync();
        Assert.Equal(first, second);
    }
}
