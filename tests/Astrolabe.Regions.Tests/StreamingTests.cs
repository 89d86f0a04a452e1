using Astrolabe.Fits;
using Astrolabe.Regions.Cubes;
using Astrolabe.Regions.Detection;
using Astrolabe.Regions.Synthetic;

namespace Astrolabe.Regions.Tests;

/// <summary>The finder reads a cube a window of channels at a time: from a FITS file without loading it, in memory
/// that does not grow with the number of channels, and linking regions across the window's edges.</summary>
public sealed class StreamingTests
{
    [Fact]
    public void A_cube_searched_in_its_fits_file_gives_the_regions_found_in_memory()
    {
        var synthetic = SyntheticCubeGenerator.Generate(new SyntheticCubeSpec { Seed = 51, Channels = 40 });
        string path = Path.Combine(TestData.NewTempDirectory(), "cube.fits");
        SyntheticCubeFile.Write(synthetic, path);

        var inMemory = new RegionFinder().Find(synthetic.Cube, synthetic.BeamAreaPixels);
        using var file = FitsFile.Open(path);
        var opened = FitsCubeReader.Open(file.FirstImage!);
        var fromFile = new RegionFinder().Find(opened.Source, synthetic.BeamAreaPixels);

        Assert.NotEmpty(inMemory.Regions);
        Assert.Equal(inMemory.NoiseSigma, fromFile.NoiseSigma);
        Assert.Equal(inMemory.Regions, fromFile.Regions);
    }

    [Fact]
    public void Memory_does_not_grow_with_the_number_of_channels()
    {
        // The sources make each row when asked, so the cubes (14 and 57 MB of float voxels) never exist in memory.
        long Allocated(ProceduralCube cube, out FinderResult result)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            result = new RegionFinder().Find(cube, correlatedPixels: 1, parallelism: 1);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var shortCube = new ProceduralCube(96, 96, 384, sourceChannel: 200);
        var longCube = new ProceduralCube(96, 96, 1536, sourceChannel: 1200);
        long small = Allocated(shortCube, out var shortResult), large = Allocated(longCube, out var longResult);
        long moreVoxelBytes = 4L * 96 * 96 * (1536 - 384);

        // Four times the channels: only the detected voxels add to the fixed window of planes.
        Assert.True(large - small < moreVoxelBytes / 8,
            $"{small / 1e6:F1} MB for 384 channels, {large / 1e6:F1} MB for 1536 channels (the extra voxels are {moreVoxelBytes / 1e6:F0} MB)");
        foreach (var (result, channel) in new[] { (shortResult, 200), (longResult, 1200) })
        {
            var region = Assert.Single(result.Regions, r => r.MinChannel <= channel && r.MaxChannel >= channel);
            Assert.InRange(region.CentroidX, 47, 49);
            Assert.InRange(region.CentroidY, 39, 41);
            Assert.InRange(region.CentroidChannel, channel - 5, channel + 5);
        }
    }

    [Fact]
    public void Threads_that_split_large_planes_give_the_same_regions()
    {
        var synthetic = SyntheticCubeGenerator.Generate(new SyntheticCubeSpec { Seed = 52, Width = 256, Height = 256, Channels = 20, Sources = 30 });
        var one = new RegionFinder().Find(synthetic.Cube, synthetic.BeamAreaPixels, parallelism: 1);
        var three = new RegionFinder().Find(synthetic.Cube, synthetic.BeamAreaPixels, parallelism: 3);
        Assert.NotEmpty(one.Regions);
        Assert.Equal(one.Regions, three.Regions);
    }

    [Fact]
    public void Large_planes_brought_up_to_date_sixteen_channels_at_a_time_give_the_regions_of_four()
    {
        Assert.Equal((16, 1 << 11), SmoothedPlanes.BatchFor(1024 * 1024));
        Assert.Equal((4, 1 << 13), SmoothedPlanes.BatchFor(256 * 256));
        var synthetic = SyntheticCubeGenerator.Generate(new SyntheticCubeSpec { Seed = 53, Width = 1024, Height = 1024, Channels = 24, Sources = 20 });
        var sixteen = new RegionFinder().Find(synthetic.Cube, synthetic.BeamAreaPixels, parallelism: 1);
        var four = new RegionFinder { Batch = (4, 1 << 13) }.Find(synthetic.Cube, synthetic.BeamAreaPixels, parallelism: 1);
        Assert.NotEmpty(sixteen.Regions);
        Assert.Equal(four.Regions, sixteen.Regions);
    }

    [Fact]
    public void Voxels_that_meet_only_in_a_later_channel_form_one_region()
    {
        // Two voxels far apart in channel 0, a bar joining them in channel 1, and a lone voxel after them in scan order.
        var linker = new RegionLinker(20, 20, radiusPixels: 2, radiusChannels: 2);
        var data = new float[400];
        var mask = new byte[400];
        mask[2 * 20 + 2] = 1;
        mask[2 * 20 + 12] = 1;
        mask[18 * 20 + 18] = 1;
        linker.Add(0, mask, 1, data, data);
        Array.Clear(mask);
        for (int x = 2; x <= 12; x++) mask[3 * 20 + x] = 1;
        linker.Add(1, mask, 1, data, data);

        var regions = linker.Regions();
        Assert.Equal(2, regions.Count);
        Assert.Equal(13, regions[0].Count);
        Assert.Equal((2, 2, 0), (regions[0][0].X, regions[0][0].Y, regions[0][0].Z));
        Assert.Equal((18, 18, 0), (regions[1][0].X, regions[1][0].Y, regions[1][0].Z));
    }

    [Fact]
    public void Voxels_further_apart_than_the_merge_radius_stay_apart()
    {
        var linker = new RegionLinker(10, 10, radiusPixels: 2, radiusChannels: 2);
        var data = new float[100];
        var mask = new byte[100];
        mask[5 * 10 + 5] = 1;
        linker.Add(0, mask, 1, data, data);
        Array.Clear(mask);
        linker.Add(1, mask, 1, data, data);
        linker.Add(2, mask, 1, data, data);
        mask[5 * 10 + 5] = 1; // three channels later: beyond the spectral radius
        mask[5 * 10 + 8] = 1; // three pixels along: beyond the spatial radius of the first, within reach of nothing else
        linker.Add(3, mask, 1, data, data);
        Assert.Equal(3, linker.Regions().Count);
    }

    /// <summary>A cube made a row at a time: unit Gaussian noise from a hash of the voxel index, and one Gaussian source
    /// (peak S/N 6, sigma 2 pixels and 8 channels) at x 48, y 40 and the given channel.</summary>
    private sealed class ProceduralCube(int width, int height, int channels, int sourceChannel) : ICubeSource
    {
        public int Width => width;
        public int Height => height;
        public int Channels => channels;

        public void ReadRows(int channel, int firstRow, int rows, Span<float> destination)
        {
            for (int r = 0; r < rows; r++)
            {
                int y = firstRow + r;
                for (int x = 0; x < width; x++)
                {
                    double signal = 6 * Math.Exp(-0.5 * (((x - 48) * (x - 48) + (y - 40) * (y - 40)) / 4.0 + (channel - sourceChannel) * (channel - sourceChannel) / 64.0));
                    destination[r * width + x] = (float)(Noise((ulong)(((long)channel * height + y) * width + x)) + signal);
                }
            }
        }

        /// <summary>A standard normal deviate from a hash of the voxel index (Box–Muller on two splitmix64 uniforms).</summary>
        private static double Noise(ulong index)
        {
            double u1 = (Mix(2 * index) >> 11) * (1.0 / (1UL << 53)), u2 = (Mix(2 * index + 1) >> 11) * (1.0 / (1UL << 53));
            return Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
        }

        private static ulong Mix(ulong z)
        {
            z += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
