using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

namespace Astrolabe.Regions.Detection;

/// <summary>Reads rows [<paramref name="firstRow"/>, firstRow + <paramref name="rows"/>) of channel
/// <paramref name="channel"/> of a cube as data and as S/N (NaN where blanked), into those rows of the whole-plane
/// buffers <paramref name="data"/> and <paramref name="snr"/>.</summary>
internal delegate void ChannelReader(int channel, int firstRow, int rows, Span<float> data, Span<float> snr);

/// <summary>The clip of each channel: its mask (<see cref="MaskFor"/>, one of <see cref="Masks"/> in turn, one per channel
/// of a batch) gets the channel's blanking (the blanked value where blanked, <see cref="Empty"/> elsewhere), then
/// <see cref="Detected"/> where still empty and any smoothed plane k exceeds <see cref="Levels"/>[k] (NaN: that plane adds
/// nothing).</summary>
internal sealed record PlaneClip(float[] Levels, byte[][] Masks, byte Empty, byte Detected)
{
    public byte[] MaskFor(int channel) => Masks[channel % Masks.Length];
}

/// <summary>The multi-scale S/N cube, a window of channels at a time: every combination of a spatial Gaussian and a
/// spectral boxcar, built plane by plane from a ring of the last few channels, so memory is a few dozen planes however
/// many channels the cube has.</summary>
/// <remarks>Blanked voxels count as zero in the smoothing, as do pixels beyond the edges and channels beyond the ends.
/// Boxcars are running sums over the smoothed planes (cost independent of their width).</remarks>
internal sealed class SmoothedPlanes
{
    /// <summary>Channels whose boxcar sums are brought up to date together, a slice of pixels at a time (the slice: this
    /// many pixels), for a plane of <paramref name="planeSize"/> pixels. Each ring plane's slice is read once per batch,
    /// and each sum's slice stays in cache from one channel of the batch to the next; the ring holds one channel more per
    /// extra channel of a batch, and a slice of every plane a batch touches stays in the second-level cache.</summary>
    /// <remarks>Measured, one core. On 256×256×128 cubes (a ring of 256 KB planes, mostly in cache anyway): 2 channels
    /// against 1, −4 to −6% CPU; 4 against 2 (once channels were smoothed a band of rows at a time), −5% and −7%; 8 or
    /// 16, no gain for 60% more working memory and, with two workers, more of the shared cache. On 1024×1024×256 cubes,
    /// where the ring (4 MB planes) is read from the last-level cache or memory: 8 channels in 4,096-pixel slices −6%
    /// against 4 (5 pairs), 16 in 2,048-pixel slices −7% against 8 (4 pairs): 6.54 → 5.66 CPU s for two cubes, for 419 →
    /// 694 MB of private memory.</remarks>
    public static (int Channels, int Pixels) BatchFor(long planeSize) => planeSize >= LargePlane ? (16, 1 << 11) : (4, 1 << 13);

    /// <summary>Planes of this many pixels or more (1024×1024) take the long batches.</summary>
    private const long LargePlane = 1 << 20;

    /// <summary>Planes smaller than this are smoothed on one thread, and their slices are not spread over threads below
    /// a quarter of it.</summary>
    private const int ParallelPlane = 1 << 16;

    private readonly int _width, _height, _channels, _planeSize, _ring, _reach, _chunk;
    private readonly float[]?[] _taps;
    private readonly (int Spatial, int Half)[] _combinations;
    private readonly float[][] _data, _snr;
    private readonly byte[][] _blank;
    private readonly float[]?[][] _smoothed;
    private readonly float[]?[] _sums;
    private readonly float[] _scratch, _scratchB;
    /// <summary>The spatial scales with a kernel, in pairs whose x passes share their loads (the last may be alone: -1).</summary>
    private readonly (int A, int B)[] _kernelPairs;
    private readonly ParallelOptions _parallel;
    private readonly byte _blanked;
    /// <summary>The channels the ring holds, read and smoothed (none while the last is below the first): a run that starts
    /// inside them does not read them again.</summary>
    private int _heldFirst, _heldLast = -1;

    /// <param name="batch">Channels per batch and pixels per slice; by default <see cref="BatchFor"/> of the plane size
    /// (tests compare the two).</param>
    public SmoothedPlanes(int width, int height, int channels, FinderOptions options, ParallelOptions parallel, byte blanked,
        (int Channels, int Pixels)? batch = null)
    {
        _blanked = blanked;
        _width = width;
        _height = height;
        _channels = channels;
        _planeSize = width * height;
        _parallel = parallel;
        _taps = options.SpatialScalesPixels.Select(s => s > 0 ? Smoothing.GaussianTaps(s) : null).ToArray();
        var combinations = new List<(int, int)>();
        for (int s = 0; s < _taps.Length; s++)
        {
            bool unsmoothedSpectrally = false;
            foreach (int boxcar in options.SpectralScalesChannels)
            {
                if (boxcar > 1 && channels > 1)
                {
                    combinations.Add((s, Math.Min(boxcar, 2 * channels - 1) / 2));
                }
                else if (!unsmoothedSpectrally)
                {
                    // A 2-D image has one spectral scale however many are configured.
                    unsmoothedSpectrally = true;
                    combinations.Add((s, 0));
                }
            }
        }
        _combinations = combinations.ToArray();
        _reach = _combinations.Max(c => c.Half);
        (int perBatch, _chunk) = batch ?? BatchFor(_planeSize);
        Batch = Math.Min(perBatch, channels);
        _ring = Math.Min(channels, 2 * _reach + 1 + Batch);
        _data = NewPlanes(_ring);
        _snr = NewPlanes(_ring);
        _blank = Enumerable.Range(0, _ring).Select(_ => PlanePool.Rent<byte>(_planeSize, zeroed: true)).ToArray();
        _smoothed = _taps.Select(t => t is null ? new float[]?[_ring] : NewPlanes(_ring)).ToArray();
        _sums = _combinations.Select(c => c.Half > 0 ? PlanePool.Rent<float>(_planeSize, zeroed: true) : null).ToArray();
        _scratch = PlanePool.Rent<float>(_planeSize, zeroed: true);
        var kernels = Enumerable.Range(0, _taps.Length).Where(s => _taps[s] is not null).ToArray();
        _kernelPairs = Enumerable.Range(0, (kernels.Length + 1) / 2)
            .Select(p => (kernels[2 * p], 2 * p + 1 < kernels.Length ? kernels[2 * p + 1] : -1)).ToArray();
        _scratchB = _kernelPairs.Any(p => p.B >= 0) ? PlanePool.Rent<float>(_planeSize, zeroed: true) : [];
    }

    /// <summary>Hands the planes to <see cref="PlanePool"/> for the next search; this instance is not used afterwards.</summary>
    public void ReturnPlanes()
    {
        PlanePool.Return(_data.Concat(_snr).Concat(_smoothed.SelectMany(s => s)).Concat(_sums).Append(_scratch).Append(_scratchB));
        PlanePool.Return(_blank);
    }

    /// <summary>Bytes a cube of this plane size needs for the ring, sums and scratch (the defaults: about 46 planes).</summary>
    public static long WorkingBytes(long planeSize, FinderOptions options)
    {
        int reach = options.SpectralScalesChannels.Max() / 2, ring = 2 * reach + 1 + BatchFor(planeSize).Channels;
        int spatial = options.SpatialScalesPixels.Count(s => s > 0);
        int sums = options.SpatialScalesPixels.Count * options.SpectralScalesChannels.Count(b => b > 1);
        return planeSize * (4L * (ring * (2 + spatial) + sums + Math.Clamp(spatial, 1, 2)) + ring);
    }

    /// <summary>Channels either side of a channel that its widest boxcar reaches.</summary>
    public int Reach => _reach;

    /// <summary>Number of smoothed versions of the cube (spatial × spectral scales).</summary>
    public int Count => _combinations.Length;

    /// <summary>Channels brought up to date together (<see cref="BatchFor"/>, or fewer in a short cube): a
    /// <see cref="PlaneClip"/> needs this many masks.</summary>
    public int Batch { get; }

    /// <summary>Builds the smoothed planes of channels <paramref name="first"/>..<paramref name="last"/> in order, reading
    /// the channels they need from <paramref name="read"/>. The boxcar sums are brought up to date a slice of pixels at a
    /// time, for a batch of up to <see cref="Batch"/> channels in turn per slice, and each channel's slice goes to
    /// <paramref name="slice"/> (slot, first pixel, count) while it is still in cache, on several threads when
    /// <paramref name="parallelSlices"/>; then <paramref name="emit"/> gets each channel of the batch, in order, and its ring
    /// slot. <paramref name="clip"/>, when given, clips each channel's slice as its sums are brought up to date (in the same
    /// loop, for the usual running-sum update), before <paramref name="slice"/>. Channels that the ring still holds from
    /// the previous run are not read or smoothed again.</summary>
    public void Run(int first, int last, ChannelReader read, Action<int, int, int>? slice, bool parallelSlices, Action<int, int> emit,
        PlaneClip? clip = null)
    {
        if (clip is not null && clip.Masks.Length < Batch)
        {
            throw new ArgumentException($"The clip needs {Batch} masks, one per channel of a batch.", nameof(clip));
        }
        int lo = Math.Max(0, first - _reach), hi = Math.Min(_channels - 1, last + _reach);
        int next = first, t = lo;
        while (next <= last)
        {
            // Read the channels the batch needs: the ring then holds channels next - reach - 1 .. next + batch - 1 + reach.
            for (int target = Math.Min(hi, next + Batch - 1 + _reach); t <= target; t++)
            {
                _parallel.CancellationToken.ThrowIfCancellationRequested();
                if (t >= _heldFirst && t <= _heldLast)
                {
                    continue;
                }
                Load(t, t % _ring, read);
                // Slot t % ring now holds channel t; the ring keeps the last `ring` channels of a contiguous read.
                (_heldFirst, _heldLast) = t == _heldLast + 1 ? (Math.Max(_heldFirst, t - _ring + 1), t) : (t, t);
            }
            int z0 = next, z1 = Math.Min(Math.Min(last, next + Batch - 1), t - 1 == hi ? last : t - 1 - _reach);
            ForChunks((from, count) =>
            {
                for (int z = z0; z <= z1; z++)
                {
                    UpdateSums(z, first, from, count, z % _ring, clip);
                    slice?.Invoke(z % _ring, from, count);
                }
            }, parallelSlices);
            for (int z = z0; z <= z1; z++)
            {
                emit(z, z % _ring);
            }
            next = z1 + 1;
        }
    }

    /// <summary>The smoothed plane of combination <paramref name="combination"/> for the channel just emitted.</summary>
    public float[] Plane(int combination, int slot)
    {
        var (s, half) = _combinations[combination];
        return half > 0 ? _sums[combination]! : Spatial(s, slot);
    }

    public float[] Data(int slot) => _data[slot];

    /// <summary>S/N of the emitted channel, blanked voxels zeroed.</summary>
    public float[] Snr(int slot) => _snr[slot];

    /// <summary>The blanked value (given to the constructor) where the emitted channel is blanked, 0 elsewhere.</summary>
    public byte[] Blank(int slot) => _blank[slot];

    private float[] Spatial(int s, int slot) => _taps[s] is null ? _snr[slot] : _smoothed[s][slot]!;

    /// <summary>Marks blanked (non-finite) voxels in <paramref name="blank"/> with <paramref name="blanked"/> and zeroes them
    /// in <paramref name="snr"/>; a vector of finite values (nearly all of them) costs one compare.</summary>
    /// <remarks>A vector with a blanked voxel (the primary-beam edge and beyond: a fifth of a plane or more) is zeroed with
    /// a vector select, and its blank bytes are stored 8 at a time (a byte per bit of the lanes' mask, from a table).
    /// 512-bit vectors where the CPU has them.</remarks>
    internal static void ZeroBlanks(Span<float> snr, Span<byte> blank, byte blanked)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            ZeroBlanks<Lanes512, Vector512<float>>(snr, blank, blanked);
        }
        else
        {
            ZeroBlanks<LanesOfVector, Vector<float>>(snr, blank, blanked);
        }
    }

    /// <summary><see cref="ZeroBlanks(Span{float}, Span{byte}, byte)"/> with the vectors of <typeparamref name="TLanes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ZeroBlanks<TLanes, TVector>(Span<float> snr, Span<byte> blank, byte blanked)
        where TLanes : struct, ILanes<TVector>
        where TVector : struct
    {
        blank.Clear();
        int n = snr.Length, lanes = TLanes.Count, i = 0;
        ref float s0 = ref MemoryMarshal.GetReference(snr);
        ref byte b0 = ref MemoryMarshal.GetReference(blank[..n]);
        for (; i + lanes <= n; i += lanes)
        {
            var value = TLanes.Load(ref s0, (nuint)i);
            ulong bits = TLanes.NonFiniteBits(value);
            if (bits == 0)
            {
                continue;
            }
            if (!BitConverter.IsLittleEndian)
            {
                ZeroBlanks(snr, blank, blanked, i, i + lanes);
                continue;
            }
            TLanes.Store(TLanes.ZeroNonFinite(value), ref s0, (nuint)i);
            for (int g = 0; g < lanes; g += 8)
            {
                ulong bytes = LaneBytes[(bits >> g) & 0xFF] * blanked;
                if (lanes - g >= 8)
                {
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref b0, i + g), bytes);
                }
                else
                {
                    for (int j = 0; j < lanes - g; j++)
                    {
                        Unsafe.Add(ref b0, i + g + j) = (byte)(bytes >> (8 * j));
                    }
                }
            }
        }
        ZeroBlanks(snr, blank, blanked, i, n);
    }

    /// <summary>For each 8-bit lane mask, 8 bytes: 1 where the bit is set, 0 elsewhere (little-endian: byte i is bit i).</summary>
    private static readonly ulong[] LaneBytes = Enumerable.Range(0, 256)
        .Select(bits => Enumerable.Range(0, 8).Aggregate(0UL, (bytes, i) => bytes | ((ulong)((bits >> i) & 1) << (8 * i)))).ToArray();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ZeroBlanks(Span<float> snr, Span<byte> blank, byte blanked, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            if (!float.IsFinite(snr[i]))
            {
                blank[i] = blanked;
                snr[i] = 0f;
            }
        }
    }

    /// <summary>Rows per band of <see cref="Load"/>: about 64 KB of each plane, so that the band's data, S/N, blanking and
    /// x-pass rows stay in the second-level cache from reading to smoothing.</summary>
    private const int BandFloats = 1 << 14;

    /// <summary>Reads channel <paramref name="t"/> into ring slot <paramref name="slot"/>, marks and zeroes its blanked
    /// voxels and smooths it. On one thread this goes a band of rows at a time — read, blank, x pass, then the y pass of
    /// the rows whose window is complete — so each S/N and x-pass row is used while it is in cache instead of being
    /// written out to memory and read back for each step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Load(int t, int slot, ChannelReader read)
    {
        float[] data = _data[slot], snr = _snr[slot];
        byte[] blank = _blank[slot];
        if (_kernelPairs.Length > 1 || (_parallel.MaxDegreeOfParallelism > 1 && _planeSize >= ParallelPlane))
        {
            read(t, 0, _height, data, snr);
            ZeroBlanks(snr, blank, _blanked);
            foreach (var (a, b) in _kernelPairs)
            {
                Smooth(snr, a, b, slot);
            }
            return;
        }
        int band = Math.Clamp(BandFloats / _width, 1, _height), yDone = 0;
        int radius = _taps.Max(taps => taps is null ? 0 : taps.Length / 2);
        for (int y0 = 0; y0 < _height; y0 += band)
        {
            int y1 = Math.Min(_height, y0 + band), from = y0 * _width, count = (y1 - y0) * _width;
            read(t, y0, y1 - y0, data, snr);
            ZeroBlanks(snr.AsSpan(from, count), blank.AsSpan(from, count), _blanked);
            if (_kernelPairs.Length == 0)
            {
                continue;
            }
            var (a, b) = _kernelPairs[0];
            float[] tapsA = _taps[a]!, tapsB = b >= 0 ? _taps[b]! : tapsA;
            float[] scratchB = b >= 0 ? _scratchB : _scratch;
            Smoothing.GaussianRowsX(snr, _scratch, tapsA, scratchB, tapsB, _width, y0, y1);
            // Output rows whose y window lies inside the rows done so far (all of them after the last band).
            int ready = y1 == _height ? _height : Math.Max(yDone, y1 - radius);
            Smoothing.GaussianRowsY(_scratch, _smoothed[a][slot]!, _width, _height, tapsA, yDone, ready);
            if (b >= 0)
            {
                Smoothing.GaussianRowsY(scratchB, _smoothed[b][slot]!, _width, _height, tapsB, yDone, ready);
            }
            yDone = ready;
        }
    }

    /// <summary>Smooths <paramref name="input"/> with spatial kernel <paramref name="a"/> and, when it is not -1, kernel
    /// <paramref name="b"/> (their x passes in one, sharing loads), into the ring slot of each.</summary>
    private void Smooth(float[] input, int a, int b, int slot)
    {
        float[] tapsA = _taps[a]!, outA = _smoothed[a][slot]!;
        float[] tapsB = b >= 0 ? _taps[b]! : tapsA, outB = b >= 0 ? _smoothed[b][slot]! : outA, scratchB = b >= 0 ? _scratchB : _scratch;
        if (_parallel.MaxDegreeOfParallelism <= 1 || _planeSize < ParallelPlane)
        {
            Smoothing.GaussianRowsX(input, _scratch, tapsA, scratchB, tapsB, _width, 0, _height);
            Smoothing.GaussianRowsY(_scratch, outA, _width, _height, tapsA, 0, _height);
            if (b >= 0)
            {
                Smoothing.GaussianRowsY(scratchB, outB, _width, _height, tapsB, 0, _height);
            }
            return;
        }
        int bands = _parallel.MaxDegreeOfParallelism * 4, rowsPerBand = (_height + bands - 1) / bands;
        Parallel.For(0, bands, _parallel, k => Smoothing.GaussianRowsX(input, _scratch, tapsA, scratchB, tapsB, _width,
            Math.Min(_height, k * rowsPerBand), Math.Min(_height, (k + 1) * rowsPerBand)));
        Parallel.For(0, bands, _parallel, k =>
        {
            int y0 = Math.Min(_height, k * rowsPerBand), y1 = Math.Min(_height, (k + 1) * rowsPerBand);
            Smoothing.GaussianRowsY(_scratch, outA, _width, _height, tapsA, y0, y1);
            if (b >= 0)
            {
                Smoothing.GaussianRowsY(scratchB, outB, _width, _height, tapsB, y0, y1);
            }
        });
    }

    /// <summary>Brings every boxcar sum to channel <paramref name="z"/> over pixels [from, from + count): a fresh sum at
    /// the first channel of a run, then the channel entering less the one leaving, in one pass; with a
    /// <paramref name="clip"/>, each combination's slice is compared with its level in the same loop (or right after,
    /// while it is still in the nearest cache).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateSums(int z, int first, int from, int count, int slot, PlaneClip? clip)
    {
        byte[]? mask = clip?.MaskFor(z);
        if (mask is not null)
        {
            _blank[slot].AsSpan(from, count).CopyTo(mask.AsSpan(from, count));
        }
        for (int k = 0; k < _combinations.Length; k++)
        {
            if (!UpdateSum(k, z, first, from, count, clip, mask) && clip is not null)
            {
                PlaneClipping.MarkAbove(Plane(k, slot).AsSpan(from, count), clip.Levels[k], mask.AsSpan(from, count), clip.Empty, clip.Detected);
            }
        }
    }

    /// <summary>Brings the boxcar sum of combination <paramref name="k"/> (if it has one) to channel <paramref name="z"/>;
    /// true when it also clipped the slice (the running-sum update with a <paramref name="clip"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool UpdateSum(int k, int z, int first, int from, int count, PlaneClip? clip, byte[]? mask)
    {
        var (s, half) = _combinations[k];
        if (half == 0)
        {
            return false;
        }
        Span<float> sum = _sums[k].AsSpan(from, count);
        if (z == first)
        {
            sum.Clear();
            for (int j = Math.Max(0, z - half); j <= Math.Min(_channels - 1, z + half); j++)
            {
                PlaneArithmetic.Add(Spatial(s, j % _ring).AsSpan(from, count), sum);
            }
            return false;
        }
        bool entering = z + half < _channels, leaving = z - half - 1 >= 0;
        if (entering && leaving)
        {
            var enter = Spatial(s, (z + half) % _ring).AsSpan(from, count);
            var leave = Spatial(s, (z - half - 1) % _ring).AsSpan(from, count);
            if (clip is not null)
            {
                PlaneClipping.AddDifferenceMarkAbove(enter, leave, sum, clip.Levels[k], mask.AsSpan(from, count), clip.Empty, clip.Detected);
                return true;
            }
            PlaneArithmetic.AddDifference(enter, leave, sum);
        }
        else if (entering)
        {
            PlaneArithmetic.Add(Spatial(s, (z + half) % _ring).AsSpan(from, count), sum);
        }
        else if (leaving)
        {
            PlaneArithmetic.Subtract(Spatial(s, (z - half - 1) % _ring).AsSpan(from, count), sum);
        }
        return false;
    }

    /// <summary>Runs <paramref name="work"/> over disjoint pixel ranges of a plane, on several threads when allowed.</summary>
    public void ForChunks(Action<int, int> work, bool parallel = true)
    {
        if (!parallel || _parallel.MaxDegreeOfParallelism <= 1 || _planeSize < ParallelPlane / 4)
        {
            for (int from = 0; from < _planeSize; from += _chunk)
            {
                work(from, Math.Min(_chunk, _planeSize - from));
            }
            return;
        }
        int chunk = _chunk;
        Parallel.For(0, (_planeSize + chunk - 1) / chunk, _parallel, c =>
        {
            int from = c * chunk;
            work(from, Math.Min(chunk, _planeSize - from));
        });
    }

    /// <summary>Ring planes, left uninitialised (no zeroing of megabytes per cube): every one is written before it is read.</summary>
    private float[][] NewPlanes(int count) => Enumerable.Range(0, count).Select(_ => PlanePool.Rent<float>(_planeSize, zeroed: false)).ToArray();
}
