using Astrolabe.Regions.Cubes;

namespace Astrolabe.Regions.Detection;

/// <summary>What the finder found in one cube.</summary>
/// <param name="NoiseSigma">Typical noise in the cube's unit (median channel noise), NaN when the cube has no usable data.</param>
public sealed record FinderResult(IReadOnlyList<DetectedRegion> Regions, double NoiseSigma);

/// <summary>The deterministic region-of-interest finder: local noise normalisation, smoothing over spatial and spectral
/// scales with a clip at a S/N threshold, linking of the mask into 3-D regions, then size and S/N filters.</summary>
public sealed class RegionFinder
{
    private const byte Empty = 0, Detected = 1, Visited = 2, Blank = 255;

    private readonly FinderOptions _options;

    public RegionFinder(FinderOptions? options = null)
    {
        _options = options ?? new FinderOptions();
        _options.Validate();
    }

    public FinderOptions Options => _options;

    /// <summary>Finds the regions in <paramref name="cube"/>.</summary>
    /// <param name="correlatedPixels">How many pixels share one noise sample (the beam area in pixels for an interferometric
    /// image, 1 for independent pixels); it makes the integrated S/N honest.</param>
    /// <param name="parallelism">Threads to use inside this cube (planes, rows and pixel ranges are independent, so the
    /// result is the same for any number); the pipeline raises it when large cubes leave cores idle.</param>
    public FinderResult Find(Cube cube, double correlatedPixels = 1, CancellationToken cancellationToken = default, int parallelism = 1)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken };
        int n = cube.Data.Length;
        var snr = new float[n];
        int tile = _options.NoiseTilePixels > 0 ? _options.NoiseTilePixels
            : cube.Channels >= LocalNoise.MinimumChannelsForSpectralNoise ? 5
            : Math.Clamp((int)Math.Ceiling(Math.Sqrt(2000.0 / cube.Channels)), 6, 64);
        double noise = LocalNoise.Normalise(cube, snr, tile, parallel.MaxDegreeOfParallelism);
        if (double.IsNaN(noise))
        {
            return new FinderResult([], double.NaN);
        }

        var mask = new byte[n];
        for (int i = 0; i < n; i++)
        {
            if (!float.IsFinite(snr[i]))
            {
                mask[i] = Blank;
                snr[i] = 0f;
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        BuildMask(cube, snr, mask, parallel);
        cancellationToken.ThrowIfCancellationRequested();
        var regions = Link(cube, snr, mask, Math.Max(1.0, correlatedPixels), cancellationToken);
        return new FinderResult(regions, noise);
    }

    /// <summary>Pixels per plane slice handed to one thread in the spectral boxcar and the clip.</summary>
    private const int Chunk = 1 << 14;

    private void BuildMask(Cube cube, float[] snr, byte[] mask, ParallelOptions parallel)
    {
        int width = cube.Width, height = cube.Height, channels = cube.Channels, planeSize = cube.PlaneSize;
        float[]? spatial = null;
        float[]? both = null;
        foreach (double scale in _options.SpatialScalesPixels)
        {
            float[] smoothedSpatially = snr;
            if (scale > 0)
            {
                float[] target = spatial ??= new float[snr.Length];
                float[] taps = Smoothing.GaussianTaps(scale);
                Parallel.For(0, channels, parallel, () => new float[planeSize], (z, _, scratch) =>
                {
                    Smoothing.GaussianPlane(snr.AsSpan(z * planeSize, planeSize), target.AsSpan(z * planeSize, planeSize),
                        scratch, width, height, taps);
                    return scratch;
                }, _ => { });
                smoothedSpatially = target;
            }
            bool unsmoothedSpectrallyDone = false;
            foreach (int boxcar in _options.SpectralScalesChannels)
            {
                parallel.CancellationToken.ThrowIfCancellationRequested();
                float[] smoothed = smoothedSpatially;
                if (boxcar > 1 && channels > 1)
                {
                    float[] source = smoothedSpatially, target = both ??= new float[snr.Length];
                    int boxWidth = Math.Min(boxcar, 2 * channels - 1);
                    Parallel.For(0, (planeSize + Chunk - 1) / Chunk, parallel, k =>
                    {
                        int from = k * Chunk;
                        Smoothing.BoxcarSpectral(source, target, planeSize, channels, boxWidth, from, Math.Min(Chunk, planeSize - from));
                    });
                    smoothed = target;
                }
                else if (unsmoothedSpectrallyDone)
                {
                    continue; // a 2-D image has one spectral scale however many are configured
                }
                else
                {
                    unsmoothedSpectrallyDone = true;
                }
                Clip(smoothed, mask, parallel);
            }
        }
    }

    /// <summary>Marks voxels where <paramref name="smoothed"/> exceeds the threshold times its own robust sigma.</summary>
    private void Clip(float[] smoothed, byte[] mask, ParallelOptions parallel)
    {
        // A fixed-stride sample of this size pins sigma to a fraction of a per cent; more only costs time.
        const int maxSamples = 50_000;
        int stride = Math.Max(1, smoothed.Length / maxSamples);
        var sample = new float[smoothed.Length / stride + 1];
        int count = 0;
        for (int i = 0; i < smoothed.Length; i += stride)
        {
            if (mask[i] != Blank)
            {
                sample[count++] = smoothed[i];
            }
        }
        double sigma = RobustNoise.SigmaOfSample(sample.AsSpan(0, count));
        if (!(sigma > 0))
        {
            return;
        }
        float limit = (float)(_options.SnrThreshold * sigma);
        // Most voxels are below the limit: compare a vector at a time and look closer only where one is above.
        var limits = new System.Numerics.Vector<float>(limit);
        int width = System.Numerics.Vector<float>.Count;
        int slice = Chunk * 16;
        Parallel.For(0, (smoothed.Length + slice - 1) / slice, parallel, k =>
        {
            int from = k * slice, to = Math.Min(smoothed.Length, from + slice);
            var vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(smoothed.AsSpan(from, to - from));
            for (int v = 0; v < vectors.Length; v++)
            {
                if (System.Numerics.Vector.GreaterThanAny(vectors[v], limits))
                {
                    MarkAbove(smoothed, mask, from + v * width, from + (v + 1) * width, limit);
                }
            }
            MarkAbove(smoothed, mask, from + vectors.Length * width, to, limit);
        });
    }

    private static void MarkAbove(float[] smoothed, byte[] mask, int from, int to, float limit)
    {
        for (int i = from; i < to; i++)
        {
            if (smoothed[i] > limit && mask[i] == Empty)
            {
                mask[i] = Detected;
            }
        }
    }

    private List<DetectedRegion> Link(Cube cube, float[] snr, byte[] mask, double correlatedPixels, CancellationToken cancellationToken)
    {
        int width = cube.Width, height = cube.Height, channels = cube.Channels, planeSize = cube.PlaneSize;
        int rx = _options.MergeRadiusPixels, rz = channels > 1 ? _options.MergeRadiusChannels : 0;
        var regions = new List<DetectedRegion>();
        var members = new List<int>(1024);
        var footprint = new RegionFootprint(width, height);
        for (int seed = 0; seed < mask.Length; seed++)
        {
            if (mask[seed] != Detected)
            {
                continue;
            }
            if ((seed & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            // Breadth-first walk over the mask; `members` doubles as the queue, so it ends holding the whole region.
            members.Clear();
            members.Add(seed);
            mask[seed] = Visited;
            for (int head = 0; head < members.Count; head++)
            {
                int v = members[head];
                int z = v / planeSize, rem = v - z * planeSize, y = rem / width, x = rem - y * width;
                int z0 = Math.Max(0, z - rz), z1 = Math.Min(channels - 1, z + rz);
                int y0 = Math.Max(0, y - rx), y1 = Math.Min(height - 1, y + rx);
                int x0 = Math.Max(0, x - rx), x1 = Math.Min(width - 1, x + rx);
                for (int zz = z0; zz <= z1; zz++)
                {
                    for (int yy = y0; yy <= y1; yy++)
                    {
                        int rowStart = zz * planeSize + yy * width;
                        for (int xx = x0; xx <= x1; xx++)
                        {
                            int u = rowStart + xx;
                            if (mask[u] == Detected)
                            {
                                mask[u] = Visited;
                                members.Add(u);
                            }
                        }
                    }
                }
            }
            var region = Measure(cube, snr, members, footprint, correlatedPixels);
            if (Accept(region, channels))
            {
                regions.Add(region);
            }
        }
        return regions;
    }

    private bool Accept(DetectedRegion region, int channels) =>
        region.AreaPixels >= _options.MinimumPixels
        && (channels == 1 || region.ChannelCount >= _options.MinimumChannels)
        && region.IntegratedSnr >= _options.MinimumIntegratedSnr;

    private static DetectedRegion Measure(Cube cube, float[] snr, List<int> members, RegionFootprint footprint, double correlatedPixels)
    {
        int width = cube.Width, planeSize = cube.PlaneSize;
        float[] data = cube.Data;
        double sum = 0, sumSnr = 0, w = 0, wx = 0, wy = 0, wz = 0, wxx = 0, wyy = 0, wxy = 0;
        double peak = double.NegativeInfinity, peakSnr = double.NegativeInfinity;
        int peakIndex = members[0];
        int minX = int.MaxValue, maxX = -1, minY = int.MaxValue, maxY = -1, minZ = int.MaxValue, maxZ = -1;
        // Moments about the seed voxel keep the sums small and the subtraction below exact enough.
        int seedZ = members[0] / planeSize, seedRem = members[0] - seedZ * planeSize;
        int seedY = seedRem / width, seedX = seedRem - seedY * width;
        foreach (int v in members)
        {
            int z = v / planeSize, rem = v - z * planeSize, y = rem / width, x = rem - y * width;
            double value = data[v];
            sum += value;
            sumSnr += snr[v];
            if (value > peak)
            {
                peak = value;
                peakIndex = v;
            }
            if (snr[v] > peakSnr)
            {
                peakSnr = snr[v];
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
        double integratedSnr = sumSnr / Math.Sqrt(members.Count * Math.Min(correlatedPixels, area));
        int pz = peakIndex / planeSize, prem = peakIndex - pz * planeSize, py = prem / width, px = prem - py * width;
        return new DetectedRegion(members.Count, area, hull, cx, cy, cz, sum, peak, px, py, pz, peakSnr, integratedSnr,
            mxx, myy, mxy, minX, maxX, minY, maxY, minZ, maxZ);
    }
}
