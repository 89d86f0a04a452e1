using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Astrolabe.Regions.Cubes;

namespace Astrolabe.Regions.Detection;

/// <summary>Turns a cube into a signal-to-noise cube by dividing out a noise that varies by channel and across the
/// field (a primary-beam-corrected ALMA cube is noisier towards its edges).</summary>
/// <remarks>Channel noise first (atmospheric lines make some channels noisier), then a spatial noise map from
/// tiles over all channels, interpolated bilinearly between tile centres. Every estimate is a clipped MAD.</remarks>
public static class LocalNoise
{
    /// <summary>Writes data / noise into <paramref name="snr"/> (same layout as the cube; NaN stays NaN) and returns the
    /// cube-wide noise in data units (the median of the channel noises), or NaN when the cube has too few finite values.</summary>
    /// <remarks>Planes and rows are independent, so <paramref name="parallelism"/> threads give the same answer as one.</remarks>
    public static double Normalise(Cube cube, float[] snr, int tileSize, int parallelism = 1)
    {
        int planeSize = cube.PlaneSize;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) };
        if (cube.Channels >= MinimumChannelsForSpectralNoise)
        {
            var scales = Measure(cube, tileSize, parallel);
            if (scales is null)
            {
                return double.NaN;
            }
            Parallel.For(0, cube.Channels, parallel, z => scales.Apply(z, cube.Plane(z), snr.AsSpan(z * planeSize, planeSize)));
            return scales.Typical;
        }
        Array.Copy(cube.Data, snr, cube.Data.Length);

        // Channel noise: one robust sigma per plane; a plane with too few finite values borrows the median.
        var channelSigma = new double[cube.Channels];
        Parallel.For(0, cube.Channels, parallel, z =>
        {
            channelSigma[z] = RobustNoise.Sigma(snr.AsSpan(z * planeSize, planeSize), maxSamples: 5_000);
        });
        double typical = MedianOfFinitePositive(channelSigma);
        if (double.IsNaN(typical))
        {
            // Not enough finite data in any single plane: fall back to one estimate over the whole cube.
            typical = RobustNoise.Sigma(snr);
            if (!(typical > 0))
            {
                return double.NaN;
            }
            Array.Fill(channelSigma, typical);
        }
        Parallel.For(0, cube.Channels, parallel, z =>
        {
            double s = channelSigma[z] > 0 ? channelSigma[z] : typical;
            Scale(snr.AsSpan(z * planeSize, planeSize), (float)(1.0 / s));
        });

        if (!ApplyEdgeDistanceNoise(cube.Width, cube.Height, cube.Channels, snr))
        {
            ApplySpatialNoiseMap(cube.Width, cube.Height, cube.Channels, snr, tileSize);
        }
        return typical;
    }

    /// <summary>Below this many channels a spectrum is too short for its own noise estimate; tiles are used instead.</summary>
    public const int MinimumChannelsForSpectralNoise = 16;

    /// <summary>Rows of each channel sampled for its noise, and the most values taken from them.</summary>
    private const int ChannelSampleRows = 32, ChannelSamples = 2_500;

    /// <summary>Measures the noise of a cube of at least <see cref="MinimumChannelsForSpectralNoise"/> channels without
    /// holding it in memory: channel noise from a few rows of each channel, then a noise map from each pixel's spectrum
    /// (the MAD over channels, averaged over a sliding window of <paramref name="window"/>² pixels), which follows a
    /// primary-beam pattern right up to the blanked edge. Returns null when the cube has too few finite values.</summary>
    internal static NoiseScales? Measure(ICubeSource source, int window, ParallelOptions parallel)
    {
        int width = source.Width, height = source.Height, channels = source.Channels;
        var channelSigma = ChannelSigmas(source, parallel.CancellationToken);
        double typical = MedianOfFinitePositive(channelSigma);
        if (double.IsNaN(typical))
        {
            // Not enough finite data in any channel's sample: one estimate over the whole cube, read at a stride.
            typical = WholeCubeSigma(source);
            if (!(typical > 0))
            {
                return null;
            }
        }
        var channelInverse = new float[channels];
        for (int z = 0; z < channels; z++)
        {
            channelInverse[z] = (float)(1.0 / (channelSigma[z] > 0 ? channelSigma[z] : typical));
        }
        var mad = SpectralMad(source, channelInverse, parallel);
        return new NoiseScales(channelInverse, BoxAveragedInverse(mad, width, height, window), typical);
    }

    /// <summary>Each channel's robust sigma from up to <see cref="ChannelSamples"/> values on <see cref="ChannelSampleRows"/>
    /// rows spread over the plane (read alone, so the cube is not read for this).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double[] ChannelSigmas(ICubeSource source, CancellationToken cancellationToken)
    {
        int width = source.Width, height = source.Height, channels = source.Channels;
        var channelSigma = new double[channels];
        int rows = Math.Min(height, ChannelSampleRows);
        int stride = Math.Max(1, rows * width / ChannelSamples);
        var row = new float[width];
        var sample = new float[rows * ((width + stride - 1) / stride)];
        for (int z = 0; z < channels; z++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = 0;
            for (int k = 0; k < rows; k++)
            {
                source.ReadRows(z, (int)((2L * k + 1) * height / (2 * rows)), 1, row);
                for (int x = 0; x < width; x += stride)
                {
                    if (float.IsFinite(row[x])) sample[n++] = row[x];
                }
            }
            channelSigma[z] = RobustNoise.SigmaOfSample(sample.AsSpan(0, n));
        }
        return channelSigma;
    }

    private static double WholeCubeSigma(ICubeSource source)
    {
        long voxels = (long)source.Width * source.Height * source.Channels;
        int stride = (int)Math.Max(1, voxels / 4_000_000);
        var plane = new float[source.Width * source.Height];
        var sample = new List<float>();
        long index = 0;
        for (int z = 0; z < source.Channels; z++)
        {
            source.ReadRows(z, 0, source.Height, plane);
            for (int i = (int)((stride - index % stride) % stride); i < plane.Length; i += stride)
            {
                if (float.IsFinite(plane[i])) sample.Add(plane[i]);
            }
            index += plane.Length;
        }
        return RobustNoise.SigmaOfSample(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(sample));
    }

    /// <summary>Bytes of rows the spectral MADs read at a time: a share of a core's L2 cache.</summary>
    private const long SpectralBlockBytes = 1L << 20;

    /// <summary>Most channels of a spectrum used for its MAD: more adds little to a map averaged over a window anyway.</summary>
    private const int SpectrumSamples = 128;

    /// <summary>The MAD over channels of each pixel's S/N spectrum (NaN where too few channels are finite). Long spectra
    /// hold enough samples that every other pixel in x and y, and at most <see cref="SpectrumSamples"/> channels taken at a
    /// fixed stride, suffice for a map that is averaged over a window anyway.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float[] SpectralMad(ICubeSource source, float[] channelInverse, ParallelOptions parallel)
    {
        int width = source.Width, height = source.Height, channels = source.Channels;
        var mad = new float[width * height];
        int step = channels >= 64 ? 2 : 1;
        int channelStep = (channels + SpectrumSamples - 1) / SpectrumSamples;
        int used = (channels + channelStep - 1) / channelStep;
        if (step > 1)
        {
            Array.Fill(mad, float.NaN);
        }
        // The rows needed, all channels used at once, a block of rows at a time (about 1 MB, so the rows just read are
        // still in the core's cache when their MADs are taken): memory stays bounded however long the spectra, and each
        // channel's rows are read in file order.
        int needed = (height + step - 1) / step;
        int blockRows = (int)Math.Clamp(SpectralBlockBytes / (4L * width * used), Math.Min(needed, Math.Max(1, parallel.MaxDegreeOfParallelism)), needed);
        var block = new float[(long)blockRows * used * width > Array.MaxLength ? throw new InvalidDataException("spectra too long") : blockRows * used * width];
        for (int first = 0; first < needed; first += blockRows)
        {
            parallel.CancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(blockRows, needed - first);
            for (int u = 0; u < used; u++)
            {
                for (int r = 0; r < count; r++)
                {
                    source.ReadRows(u * channelStep, (first + r) * step, 1, block.AsSpan((r * used + u) * width, width));
                }
            }
            Parallel.For(0, count, parallel, () => new float[(LaneMedians.PaddedLength(used) + 1) * SpectraAtOnce + used], (r, _, rowSpectra) =>
            {
                SpectralMadOfRow(block.AsSpan(r * used * width, used * width), rowSpectra, channelInverse, channelStep,
                    mad.AsSpan((first + r) * step * width, width), step);
                return rowSpectra;
            }, _ => { });
        }
        return mad;
    }

    /// <summary>Spectra whose MADs are taken together: the lanes of the widest vectors the CPU runs.</summary>
    private static int SpectraAtOnce => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector<float>.Count;

    /// <summary>The MADs of one row, a vector of pixels at a time: each group's spectra (scaled to S/N) go into one
    /// channel-major block that <see cref="LaneMedians"/> sorts with a network; a group with a non-finite value (a
    /// blanked edge) and the last few pixels take the per-spectrum selection instead. Both give the same MAD.</summary>
    /// <param name="work">At least (padded length + 1) × <see cref="SpectraAtOnce"/> plus <c>used</c> floats.</param>
    private static void SpectralMadOfRow(ReadOnlySpan<float> rows, Span<float> work, float[] channelInverse, int channelStep, Span<float> mad, int step)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            SpectralMadOfRow<Lanes512, Vector512<float>>(rows, work, channelInverse, channelStep, mad, step);
        }
        else
        {
            SpectralMadOfRow<LanesOfVector, Vector<float>>(rows, work, channelInverse, channelStep, mad, step);
        }
    }

    /// <summary><see cref="SpectralMadOfRow(ReadOnlySpan{float}, Span{float}, float[], int, Span{float}, int)"/> with the
    /// vectors of <typeparamref name="TLanes"/>: as many spectra at a time as it has lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SpectralMadOfRow<TLanes, TVector>(ReadOnlySpan<float> rows, Span<float> work, float[] channelInverse, int channelStep,
        Span<float> mad, int step)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        int width = mad.Length, used = rows.Length / width, lanes = TLanes.Count, padded = LaneMedians.PaddedLength(used);
        Span<TVector> group = MemoryMarshal.Cast<float, TVector>(work)[..padded];
        Span<float> groupValues = MemoryMarshal.Cast<TVector, float>(group);
        Span<float> mads = work.Slice(padded * lanes, lanes);
        Span<float> spectrum = work.Slice((padded + 1) * lanes, used);
        ref float r0 = ref MemoryMarshal.GetReference(rows);
        int x = 0;
        for (; x + (lanes - 1) * step < width; x += lanes * step)
        {
            // v - v is 0 for finite v, NaN for NaN and ±infinity: the sum of those is NaN in a lane with any of them.
            TVector blanks = default;
            bool packed = TLanes.PermutesEveryOther && step <= 2 && x + lanes * step <= width;
            for (int u = 0; u < used; u++)
            {
                var scale = TLanes.Broadcast(channelInverse[u * channelStep]);
                if (packed)
                {
                    ref float at = ref Unsafe.Add(ref r0, u * width + x);
                    group[u] = TLanes.Multiply(step == 1 ? TLanes.Load(ref at, 0) : TLanes.LoadEveryOther(ref at), scale);
                }
                else
                {
                    ReadOnlySpan<float> values = rows.Slice(u * width, width);
                    float factor = channelInverse[u * channelStep];
                    Span<float> channel = groupValues.Slice(u * lanes, lanes);
                    for (int lane = 0, at = x; lane < lanes; lane++, at += step)
                    {
                        channel[lane] = values[at] * factor;
                    }
                }
                blanks = TLanes.Add(blanks, TLanes.Subtract(group[u], group[u]));
            }
            if (TLanes.NonFiniteBits(blanks) == 0)
            {
                LaneMedians.Mad<TLanes, TVector>(group, used, mads);
                for (int lane = 0, at = x; lane < lanes; lane++, at += step)
                {
                    mad[at] = mads[lane];
                }
                continue;
            }
            for (int lane = 0, at = x; lane < lanes; lane++, at += step)
            {
                for (int u = 0; u < used; u++)
                {
                    spectrum[u] = groupValues[u * lanes + lane];
                }
                mad[at] = MadOfSpectrum(spectrum);
            }
        }
        for (; x < width; x += step)
        {
            for (int u = 0; u < used; u++)
            {
                spectrum[u] = rows[u * width + x] * channelInverse[u * channelStep];
            }
            mad[x] = MadOfSpectrum(spectrum);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float MadOfSpectrum(Span<float> spectrum)
    {
        int n = 0;
        for (int z = 0; z < spectrum.Length; z++)
        {
            if (float.IsFinite(spectrum[z]))
            {
                spectrum[n++] = spectrum[z];
            }
        }
        if (n < MinimumChannelsForSpectralNoise / 2)
        {
            return float.NaN;
        }
        Span<float> live = spectrum[..n];
        // The median rounded to float and float deviations, as the lanes of LaneMedians take them: a pixel's MAD is the
        // same whichever path (and vector width) takes it.
        float median = (float)Selection.Median(live);
        for (int i = 0; i < n; i++)
        {
            live[i] = MathF.Abs(live[i] - median);
        }
        return (float)Selection.Median(live);
    }

    /// <summary>1 / (mean of the finite MADs in a window around each pixel × the MAD-to-sigma factor), 0 where there is
    /// none (a summed-area table: cost independent of the window).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] BoxAveragedInverse(float[] mad, int width, int height, int window)
    {
        int planeSize = width * height;
        int half = Math.Max(1, window / 2);
        var sum = new double[(width + 1) * (height + 1)];
        var count = new int[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++)
        {
            double rowSum = 0;
            int rowCount = 0;
            for (int x = 0; x < width; x++)
            {
                float m = mad[y * width + x];
                if (float.IsFinite(m))
                {
                    rowSum += m;
                    rowCount++;
                }
                int at = (y + 1) * (width + 1) + x + 1;
                sum[at] = sum[at - (width + 1)] + rowSum;
                count[at] = count[at - (width + 1)] + rowCount;
            }
        }
        var inverse = new float[planeSize];
        for (int y = 0; y < height; y++)
        {
            int ya = Math.Max(0, y - half), yb = Math.Min(height, y + half + 1);
            for (int x = 0; x < width; x++)
            {
                int xa = Math.Max(0, x - half), xb = Math.Min(width, x + half + 1);
                int a = ya * (width + 1) + xa, b = ya * (width + 1) + xb, c = yb * (width + 1) + xa, d = yb * (width + 1) + xb;
                int k = count[d] - count[b] - count[c] + count[a];
                double s = sum[d] - sum[b] - sum[c] + sum[a];
                inverse[y * width + x] = k > 0 && s > 0 ? (float)(k / (s * RobustNoise.MadToSigma)) : 0f;
            }
        }
        return inverse;
    }

    /// <summary>For images (and short cubes) with a blanked edge: noise as a function of the distance to the nearest blanked
    /// pixel. A primary-beam-corrected field is noisiest just inside its cut-off, and too few pixels lie near the edge for
    /// tiles to follow that rise; pixels at the same distance from the edge share a primary-beam response, so they can be
    /// pooled. Returns false (nothing done) when no pixel is blanked.</summary>
    private static bool ApplyEdgeDistanceNoise(int width, int height, int channels, float[] snr)
    {
        int planeSize = width * height;
        // Chamfer distance (in pixels, 3-4 weights) from every pixel to the nearest pixel blanked in the first plane.
        const int unreachable = int.MaxValue / 2;
        var distance = new int[planeSize];
        bool anyBlank = false;
        for (int i = 0; i < planeSize; i++)
        {
            bool blank = !float.IsFinite(snr[i]);
            distance[i] = blank ? 0 : unreachable;
            anyBlank |= blank;
        }
        if (!anyBlank)
        {
            return false;
        }
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x, d = distance[i];
                if (x > 0) d = Math.Min(d, distance[i - 1] + 3);
                if (y > 0)
                {
                    d = Math.Min(d, distance[i - width] + 3);
                    if (x > 0) d = Math.Min(d, distance[i - width - 1] + 4);
                    if (x < width - 1) d = Math.Min(d, distance[i - width + 1] + 4);
                }
                distance[i] = d;
            }
        }
        for (int y = height - 1; y >= 0; y--)
        {
            for (int x = width - 1; x >= 0; x--)
            {
                int i = y * width + x, d = distance[i];
                if (x < width - 1) d = Math.Min(d, distance[i + 1] + 3);
                if (y < height - 1)
                {
                    d = Math.Min(d, distance[i + width] + 3);
                    if (x < width - 1) d = Math.Min(d, distance[i + width + 1] + 4);
                    if (x > 0) d = Math.Min(d, distance[i + width - 1] + 4);
                }
                distance[i] = d;
            }
        }

        // Pool pixels by whole-pixel distance, merging neighbouring distances until each pool has enough samples.
        int maxDistance = 0;
        for (int i = 0; i < planeSize; i++)
        {
            if (distance[i] < unreachable) maxDistance = Math.Max(maxDistance, distance[i] / 3);
        }
        var counts = new int[maxDistance + 1];
        for (int i = 0; i < planeSize; i++)
        {
            if (distance[i] > 0 && distance[i] < unreachable) counts[distance[i] / 3] += channels;
        }
        const int minimumPool = 400;
        var poolOf = new int[maxDistance + 1];
        var poolCentre = new List<double>();
        int pool = 0, inPool = 0;
        double weighted = 0;
        for (int d = 0; d <= maxDistance; d++)
        {
            poolOf[d] = pool;
            inPool += counts[d];
            weighted += (double)counts[d] * d;
            if (inPool >= minimumPool || d == maxDistance)
            {
                poolCentre.Add(inPool > 0 ? weighted / inPool : d);
                pool++;
                inPool = 0;
                weighted = 0;
            }
        }
        if (pool < 2)
        {
            return false;
        }
        var sigma = new double[pool];
        var samples = new List<float>[pool];
        for (int k = 0; k < pool; k++) samples[k] = new List<float>();
        for (int z = 0; z < channels; z++)
        {
            for (int i = 0; i < planeSize; i++)
            {
                float v = snr[z * planeSize + i];
                if (distance[i] > 0 && distance[i] < unreachable && float.IsFinite(v)) samples[poolOf[distance[i] / 3]].Add(v);
            }
        }
        for (int k = 0; k < pool; k++)
        {
            sigma[k] = RobustNoise.SigmaOfSample(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples[k]), minimumCount: 64);
        }
        // A pool without a usable estimate borrows its inner neighbour's.
        for (int k = pool - 2; k >= 0; k--) if (!(sigma[k] > 0)) sigma[k] = sigma[k + 1];
        for (int k = 1; k < pool; k++) if (!(sigma[k] > 0)) sigma[k] = sigma[k - 1];
        if (!(sigma[0] > 0))
        {
            return false;
        }

        var inverse = new float[planeSize];
        for (int i = 0; i < planeSize; i++)
        {
            if (distance[i] == 0 || distance[i] >= unreachable) continue;
            double d = distance[i] / 3.0;
            // Linear between pool centres, flat beyond the first and last.
            int upper = 0;
            while (upper < pool && poolCentre[upper] < d) upper++;
            double s = upper == 0 ? sigma[0] : upper == pool ? sigma[pool - 1]
                : sigma[upper - 1] + (sigma[upper] - sigma[upper - 1]) * (d - poolCentre[upper - 1]) / (poolCentre[upper] - poolCentre[upper - 1]);
            inverse[i] = (float)(1.0 / s);
        }
        for (int z = 0; z < channels; z++)
        {
            PlaneArithmetic.Multiply(snr.AsSpan(z * planeSize, planeSize), inverse);
        }
        return true;
    }

    private static void ApplySpatialNoiseMap(int width, int height, int channels, float[] snr, int tileSize)
    {
        int tilesX = Math.Max(1, (width + tileSize / 2) / tileSize);
        int tilesY = Math.Max(1, (height + tileSize / 2) / tileSize);
        if (tilesX == 1 && tilesY == 1)
        {
            return;
        }
        var tileSigma = new double[tilesX * tilesY];
        int planeSize = width * height;
        int maxPerTile = (int)Math.Min(int.MaxValue / 2, (long)((width + tilesX - 1) / tilesX) * ((height + tilesY - 1) / tilesY) * channels);
        int stride = Math.Max(1, maxPerTile / 400_000);
        float[] sample = ArrayPool<float>.Shared.Rent(maxPerTile / stride + 1);
        try
        {
            for (int ty = 0; ty < tilesY; ty++)
            {
                int y0 = ty * height / tilesY, y1 = (ty + 1) * height / tilesY;
                for (int tx = 0; tx < tilesX; tx++)
                {
                    int x0 = tx * width / tilesX, x1 = (tx + 1) * width / tilesX;
                    int n = 0;
                    long k = 0;
                    for (int z = 0; z < channels; z++)
                    {
                        for (int y = y0; y < y1; y++)
                        {
                            ReadOnlySpan<float> row = snr.AsSpan(z * planeSize + y * width + x0, x1 - x0);
                            for (int x = 0; x < row.Length; x++, k++)
                            {
                                if (k % stride == 0 && float.IsFinite(row[x]) && n < sample.Length)
                                {
                                    sample[n++] = row[x];
                                }
                            }
                        }
                    }
                    tileSigma[ty * tilesX + tx] = RobustNoise.SigmaOfSample(sample.AsSpan(0, n), minimumCount: 64);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(sample);
        }

        // Tiles without enough data (blanked corners) take the mean of the finite tiles.
        double sum = 0;
        int count = 0;
        foreach (double s in tileSigma)
        {
            if (s > 0)
            {
                sum += s;
                count++;
            }
        }
        if (count == 0)
        {
            return;
        }
        double fallback = sum / count;
        for (int i = 0; i < tileSigma.Length; i++)
        {
            if (!(tileSigma[i] > 0))
            {
                tileSigma[i] = fallback;
            }
        }

        // Inverse noise map at every pixel, bilinear between tile centres, then applied to every plane.
        var inverse = new float[planeSize];
        for (int y = 0; y < height; y++)
        {
            double fy = Math.Clamp((y + 0.5) * tilesY / height - 0.5, 0, tilesY - 1);
            int iy = Math.Min((int)fy, tilesY - 1);
            int iy1 = Math.Min(iy + 1, tilesY - 1);
            double wy = fy - iy;
            for (int x = 0; x < width; x++)
            {
                double fx = Math.Clamp((x + 0.5) * tilesX / width - 0.5, 0, tilesX - 1);
                int ix = Math.Min((int)fx, tilesX - 1);
                int ix1 = Math.Min(ix + 1, tilesX - 1);
                double wx = fx - ix;
                double s = (1 - wy) * ((1 - wx) * tileSigma[iy * tilesX + ix] + wx * tileSigma[iy * tilesX + ix1])
                         + wy * ((1 - wx) * tileSigma[iy1 * tilesX + ix] + wx * tileSigma[iy1 * tilesX + ix1]);
                inverse[y * width + x] = (float)(1.0 / s);
            }
        }
        for (int z = 0; z < channels; z++)
        {
            PlaneArithmetic.Multiply(snr.AsSpan(z * planeSize, planeSize), inverse);
        }
    }

    private static void Scale(Span<float> values, float factor)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }

    private static double MedianOfFinitePositive(double[] values)
    {
        var finite = new List<double>(values.Length);
        foreach (double v in values)
        {
            if (v > 0)
            {
                finite.Add(v);
            }
        }
        if (finite.Count == 0)
        {
            return double.NaN;
        }
        finite.Sort();
        int m = finite.Count / 2;
        return finite.Count % 2 == 1 ? finite[m] : 0.5 * (finite[m - 1] + finite[m]);
    }
}
