using Astrolabe.Regions.Detection;
using Astrolabe.Regions.Synthetic;

namespace Astrolabe.Regions.Tests;

/// <summary>Searches keep their planes for the next search (<see cref="PlanePool"/>): a plane handed back dirty comes
/// back cleared when asked for zeroed, and a search over planes another cube has written gives the regions it gives
/// over new planes.</summary>
public sealed class PlanePoolTests
{
    [Fact]
    public void A_plane_returned_dirty_is_rented_back_zeroed()
    {
        // A length no search uses (other tests run searches at the same time and share the pool).
        const int length = 12_347;
        var dirty = new int[length];
        Array.Fill(dirty, 7);
        PlanePool.Return([dirty]);
        var rented = PlanePool.Rent<int>(length, zeroed: true);
        Assert.Equal(length, rented.Length);
        Assert.All(rented, v => Assert.Equal(0, v));
    }

    [Fact]
    public void A_search_over_planes_kept_from_another_cube_gives_the_same_regions()
    {
        var spec = new SyntheticCubeSpec { Width = 96, Height = 96, Channels = 48, Sources = 8 };
        var first = SyntheticCubeGenerator.Generate(spec with { Seed = 61 });
        var other = SyntheticCubeGenerator.Generate(spec with { Seed = 62, Sources = 20 });
        var finder = new RegionFinder();

        var before = finder.Find(first.Cube, first.BeamAreaPixels);
        var between = finder.Find(other.Cube, other.BeamAreaPixels);
        var after = finder.Find(first.Cube, first.BeamAreaPixels);

        Assert.NotEmpty(before.Regions);
        Assert.NotEqual(before.Regions, between.Regions);
        Assert.Equal(before.NoiseSigma, after.NoiseSigma);
        Assert.Equal(before.Regions, after.Regions);
    }
}
