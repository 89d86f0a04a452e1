using System.Runtime.CompilerServices;
using Astrolabe.Regions.Cubes;

namespace Astrolabe.Regions.Detection;

/// <summary>What the finder found in one cube.</summary>
/// <param name="NoiseSigma">Typical noise in the cube's unit (median channel noise), NaN when the cube has no usable data.</param>
public sealed record FinderResult(IReadOnlyList<DetectedRegion> Regions, double NoiseSigma);

/// <summary>The deterministic region-of-interest finder: local noise normalisation, smoothing over spatial and spectral
/// scales with a clip at a S/N threshold, linking of the mask into 3-D regions, then size and S/N filters.</summary>
public sealed class RegionFinder
{
    private const byte Empty = 0, Detected = 1, Blank = 255;

    private readonly FinderOptions _options;

    public RegionFinder(FinderOptions? options = null)
    {
        _options = options ?? new FinderOptions();
        _options.Validate();
    }

    public FinderOptions Options => _options;

    /// <summary>Channels per batch and pixels per slice of the boxcar update, instead of the plane size's default (tests
    /// show that the batching does not change the result).</summary>
    internal (int Channels, int Pixels)? Batch { get; init; }

    /// <summary>Finds the regions in <paramref name="cube"/>.</summary>
    /// <param name="correlatedPixels">How many pixels share one noise sample (the beam area in pixels for an interferometric
    /// image, 1 for independent pixels); it makes the integrated S/N honest.</param>
    /// <param name="parallelism">Threads to use inside this cube (rows and pixel ranges are independent, so the result is
    /// the same for any number); the pipeline raises it when large cubes leave cores idle.</param>
    public FinderResult Find(Cube cube, double correlatedPixels = 1, CancellationToken cancellationToken = default, int parallelism = 1) =>
        Find((ICubeSource)cube, correlatedPixels, cancellationToken, parallelism);

    /// <summary>Finds the regions in a cube read from <paramref name="source"/> a window of channels at a time: memory is a
    /// few dozen planes plus the detected voxels, whatever the number of channels (cubes shorter than
    /// <see cref="LocalNoise.MinimumChannelsForSpectralNoise"/> channels are held whole).</summary>
    public FinderResult Find(ICubeSource source, double correlatedPixels = 1, CancellationToken cancellationToken = default, int parallelism = 1)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken };
        int width = source.Width, height = source.Height, channels = source.Channels, planeSize = width * height;
        ChannelReader read;
        double noise;
        if (channels >= LocalNoise.MinimumChannelsForSpectralNoise)
        {
            var scales = LocalNoise.Measure(source, _options.NoiseTilePixels > 0 ? _options.NoiseTilePixels : 5, parallel);
            if (scales is null)
            {
                return new FinderResult([], double.NaN);
            }
            noise = scales.Typical;
            read = (z, firstRow, rows, data, snr) =>
            {
                int from = firstRow * width, count = rows * width;
                source.ReadRows(z, firstRow, rows, data.Slice(from, count));
                scales.Apply(z, from, data.Slice(from, count), snr.Slice(from, count));
            };
        }
        else
        {
            // Images and short cubes (at most 15 channels) are held whole: their noise maps pool all channels.
            var cube = source as Cube ?? Load(source, cancellationToken);
            int tile = _options.NoiseTilePixels > 0 ? _options.NoiseTilePixels : Math.Clamp((int)Math.Ceiling(Math.Sqrt(2000.0 / channels)), 6, 64);
            var snrCube = new float[cube.Data.Length];
            noise = LocalNoise.Normalise(cube, snrCube, tile, parallel.MaxDegreeOfParallelism);
            if (double.IsNaN(noise))
            {
                return new FinderResult([], double.NaN);
            }
            read = (z, firstRow, rows, data, snr) =>
            {
                int from = firstRow * width, count = rows * width;
                cube.Plane(z).Slice(from, count).CopyTo(data.Slice(from, count));
                snrCube.AsSpan(z * planeSize + from, count).CopyTo(snr.Slice(from, count));
            };
        }

        var planes = new SmoothedPlanes(width, height, channels, _options, parallel, Blank, Batch);
        float[] limits = ClipLimits(planes, read, channels, planeSize);
        var linker = new RegionLinker(width, height, _options.MergeRadiusPixels, channels > 1 ? _options.MergeRadiusChannels : 0);
        var clip = new PlaneClip(limits, Enumerable.Range(0, planes.Batch).Select(_ => PlanePool.Rent<byte>(planeSize, zeroed: true)).ToArray(), Empty, Detected);
        planes.Run(0, channels - 1, read, slice: null, parallelSlices: true,
            (z, slot) => linker.Add(z, clip.MaskFor(z), Detected, planes.Data(slot), planes.Snr(slot)), clip);
        cancellationToken.ThrowIfCancellationRequested();
        // The planes go to the next search (a cancelled or failed search leaves its planes to the collector).
        planes.ReturnPlanes();
        PlanePool.Return(clip.Masks);
        linker.ReturnLabels();

        var regions = new List<DetectedRegion>();
        var footprint = new RegionFootprint(width, height);
        foreach (var voxels in linker.Regions())
        {
            var region = Measure(voxels, footprint, Math.Max(1.0, correlatedPixels));
            if (Accept(region, channels))
            {
                regions.Add(region);
            }
        }
        return new FinderResult(regions, noise);
    }

    private static Cube Load(ICubeSource source, CancellationToken cancellationToken)
    {
        var cube = new Cube(source.Width, source.Height, source.Channels);
        for (int z = 0; z < cube.Channels; z++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            source.ReadRows(z, 0, source.Height, cube.Plane(z));
        }
        return cube;
    }

    /// <summary>Bytes of memory the finder needs for a cube of these dimensions (besides the detected voxels).</summary>
    public long WorkingBytes(long width, long height, long channels)
    {
        long planeSize = width * height;
        long whole = channels < LocalNoise.MinimumChannelsForSpectralNoise ? planeSize * channels * 8 : planeSize * 16 + (8L << 20) * 2;
        return whole + SmoothedPlanes.WorkingBytes(planeSize, _options) + planeSize * (4L * (_options.MergeRadiusChannels + 1) + 1 + SmoothedPlanes.BatchFor(planeSize).Channels);
    }

    /// <summary>Values of the clip-level sample that pin each smoothed cube's sigma to about a per cent.</summary>
    private const int ClipSamples = 50_000;

    /// <summary>The clip level of every smoothed cube: the threshold times its robust sigma, measured on a sample of
    /// whole channels (two runs of channels, enough for <see cref="ClipSamples"/> values), or NaN when a smoothed cube has
    /// no usable sigma (it then adds nothing to the mask).</summary>
    /// <remarks>The S/N cube is normalised channel by channel, so where the runs lie matters little; one lies three
    /// quarters of the way through the cube, the other as early as its widest boxcar is whole (the channels from its
    /// reach on). That one runs last: the search starts with the channels it leaves in the ring and does not read or smooth
    /// them again (half of the extra channels this sample costs).</remarks>
    private float[] ClipLimits(SmoothedPlanes planes, ChannelReader read, int channels, int planeSize)
    {
        int runLength = (int)Math.Clamp(Math.Ceiling(ClipSamples / (2.0 * planeSize)), 2, Math.Max(2, channels));
        runLength = Math.Min(runLength, channels);
        int runs = Math.Clamp(channels / runLength, 1, 2);
        int stride = (int)Math.Max(1, (long)runs * runLength * planeSize / ClipSamples);
        var samples = Enumerable.Range(0, planes.Count).Select(_ => new List<float>()).ToArray();
        for (int r = runs - 1; r >= 0; r--)
        {
            int first = r == 0
                ? Math.Min(planes.Reach, channels - runLength)
                : Math.Clamp((int)((r + 0.5) * channels / runs - runLength / 2.0), 0, channels - runLength);
            planes.Run(first, first + runLength - 1, read, (slot, from, count) => AddSamples(planes, slot, stride, samples, from, count),
                parallelSlices: false, (_, _) => { });
        }
        var limits = new float[planes.Count];
        for (int k = 0; k < limits.Length; k++)
        {
            double sigma = RobustNoise.SigmaOfSample(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples[k]));
            limits[k] = sigma > 0 ? (float)(_options.SnrThreshold * sigma) : float.NaN;
        }
        return limits;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddSamples(SmoothedPlanes planes, int slot, int stride, List<float>[] samples, int from, int count)
    {
        byte[] blank = planes.Blank(slot);
        int start = (from + stride - 1) / stride * stride;
        for (int k = 0; k < planes.Count; k++)
        {
            float[] plane = planes.Plane(k, slot);
            for (int i = start; i < from + count; i += stride)
            {
                if (blank[i] == 0)
                {
                    samples[k].Add(plane[i]);
                }
            }
        }
    }

    private bool Accept(DetectedRegion region, int channels) =>
        region.AreaPixels >= _options.MinimumPixels
        && (channels == 1 || region.ChannelCount >= _options.MinimumChannels)
        && region.IntegratedSnr >= _options.MinimumIntegratedSnr;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static DetectedRegion Measure(ReadOnlySpan<RegionLinker.Voxel> voxels, RegionFootprint footprint, double correlatedPixels)
    {
        double sum = 0, sumSnr = 0, w = 0, wx = 0, wy = 0, wz = 0, wxx = 0, wyy = 0, wxy = 0;
        double peak = double.NegativeInfinity, peakSnr = double.NegativeInfinity;
        int px = voxels[0].X, py = voxels[0].Y, pz = voxels[0].Z;
        int minX = int.MaxValue, maxX = -1, minY = int.MaxValue, maxY = -1, minZ = int.MaxValue, maxZ = -1;
        // Moments about the first voxel keep the sums small and the subtraction below exact enough.
        int seedX = voxels[0].X, seedY = voxels[0].Y, seedZ = voxels[0].Z;
        foreach (var voxel in voxels)
        {
            int x = voxel.X, y = voxel.Y, z = voxel.Z;
            double value = voxel.Value;
            sum += value;
            sumSnr += voxel.Snr;
            if (value > peak)
            {
                peak = value;
                (px, py, pz) = (x, y, z);
            }
            if (voxel.Snr > peakSnr)
            {
                peakSnr = voxel.Snr;
            }
            if (value > 0)
            {
                double dx = x - seedX, dy = y - seedY, dz = z - seedZ;
                w += value;
                wx += value * dx;
                wy += value * dy;
                wz += value * dz;
                wxx += value * dx * dx;
                wyy += value * dy * dy;
                wxy += value * dx * dy;
            }
            if (x < minX) minX = x;
            if (x > maxX) maxX = x;
            if (y < minY) minY = y;
            if (y > maxY) maxY = y;
            if (z < minZ) minZ = z;
            if (z > maxZ) maxZ = z;
            footprint.Add(x, y);
        }
        double cx, cy, cz, mxx, myy, mxy;
        if (w > 0)
        {
            double mx = wx / w, my = wy / w;
            cx = seedX + mx;
            cy = seedY + my;
            cz = seedZ + wz / w;
            mxx = wxx / w - mx * mx;
            myy = wyy / w - my * my;
            mxy = wxy / w - mx * my;
        }
        else
        {
            cx = 0.5 * (minX + maxX);
            cy = 0.5 * (minY + maxY);
            cz = 0.5 * (minZ + maxZ);
            mxx = myy = mxy = 0;
        }
        var (area, hull) = footprint.TakeAreaAndHull(minY, maxY);
        double integratedSnr = sumSnr / Math.Sqrt(voxels.Length * Math.Min(correlatedPixels, area));
        return new DetectedRegion(voxels.Length, area, hull, cx, cy, cz, sum, peak, px, py, pz, peakSnr, integratedSnr,
            mxx, myy, mxy, minX, maxX, minY, maxY, minZ, maxZ);
    }
}
