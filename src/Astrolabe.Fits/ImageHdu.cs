using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Astrolabe.Fits;

/// <summary>
/// An image (primary array or IMAGE extension). Pixels are read lazily, a plane or a pixel range at a time,
/// as physical values: BZERO + BSCALE × stored, with BLANK (integer images) read as NaN.
/// A plane is NAXIS1 × NAXIS2 pixels; planes are numbered over all higher axes together (for a 4-D cube with a
/// degenerate Stokes axis, plane k is channel k).
/// </summary>
public sealed class ImageHdu : Hdu
{
    private const int ChunkBytes = 1 << 18;
    private const int DirectChunkBytes = 1 << 17;

    internal ImageHdu(FitsFile file, int index, Header header, long headerOffset, long dataOffset, long dataSize, long available)
        : base(file, index, header, headerOffset, dataOffset, dataSize, available)
    {
        BScale = header.GetDouble("BSCALE", 1.0);
        BZero = header.GetDouble("BZERO", 0.0);
        Blank = Bitpix > 0 && header.TryGetLong("BLANK", out var blank) ? blank : null;
        long count = Axes.Count == 0 ? 0 : 1;
        foreach (var n in Axes) count *= n;
        PixelCount = count;
        PlaneLength = Axes.Count switch { 0 => 0, 1 => Axes[0], _ => Axes[0] * Axes[1] };
        PlaneCount = PlaneLength == 0 ? 0 : count / PlaneLength;
    }

    public double BScale { get; }

    public double BZero { get; }

    /// <summary>The stored value that means "undefined" in an integer image, or null.</summary>
    public long? Blank { get; }

    public int NAxis => Axes.Count;

    /// <summary>NAXIS1 (columns, fastest-varying axis).</summary>
    public long Width => Axes.Count > 0 ? Axes[0] : 0;

    /// <summary>NAXIS2 (rows), or 1 for a 1-D image.</summary>
    public long Height => Axes.Count > 1 ? Axes[1] : Axes.Count == 1 ? 1 : 0;

    public long PixelCount { get; }

    /// <summary>Pixels per plane: NAXIS1 × NAXIS2.</summary>
    public long PlaneLength { get; }

    /// <summary>Number of planes: the product of NAXIS3 and higher (1 for a 2-D image).</summary>
    public long PlaneCount { get; }

    public float[] ReadPlane(long plane)
    {
        var result = new float[checked((int)PlaneLength)];
        ReadPlane(plane, result);
        return result;
    }

    public void ReadPlane(long plane, Span<float> destination) => ReadPixels(PlaneStart(plane, destination.Length), destination[..(int)PlaneLength]);

    public void ReadPlane(long plane, Span<double> destination) => ReadPixels(PlaneStart(plane, destination.Length), destination[..(int)PlaneLength]);

    public async ValueTask ReadPlaneAsync(long plane, Memory<float> destination, CancellationToken cancellationToken = default)
    {
        var first = PlaneStart(plane, destination.Length);
        var length = (int)PlaneLength;
        var bpp = PixelCodec.BytesPerPixel(Bitpix);
        var done = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (done < length)
            {
                var n = Math.Min(length - done, ChunkBytes / bpp);
                var raw = buffer.AsMemory(0, n * bpp);
                var got = await ReadDataBytesAsync((first + done) * bpp, raw, cancellationToken).ConfigureAwait(false);
                DecodeChunk(raw.Span, got, destination.Span.Slice(done, n));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads a rectangle of one plane — columns [x0, x0 + width), rows [y0, y0 + height), 0-based — into
    /// <paramref name="destination"/> row after row; only those rows' bytes are read (a cutout of a huge cube).
    /// </summary>
    public void ReadPlaneRegion(long plane, long x0, long y0, int width, int height, Span<float> destination)
    {
        PlaneStart(plane, (int)Math.Min(PlaneLength, int.MaxValue));
        if (x0 < 0 || y0 < 0 || width < 0 || height < 0 || x0 + width > Width || y0 + height > Height)
            throw new ArgumentOutOfRangeException(nameof(x0), $"Region [{x0}, {x0 + width}) x [{y0}, {y0 + height}) is outside the {Width} x {Height} plane.");
        if (destination.Length < (long)width * height)
            throw new ArgumentException($"Destination holds {destination.Length} values; the region has {(long)width * height}.");
        for (var row = 0; row < height; row++)
            ReadPixels(plane * PlaneLength + (y0 + row) * Width + x0, destination.Slice(row * width, width));
    }

    /// <summary>Reads the whole image (use planes for anything large).</summary>
    public float[] ReadAll()
    {
        var result = new float[checked((int)PixelCount)];
        ReadPixels(0, result);
        return result;
    }

    public double[] ReadAllDouble()
    {
        var result = new double[checked((int)PixelCount)];
        ReadPixels(0, result);
        return result;
    }

    private long PlaneStart(long plane, int destinationLength)
    {
        if (plane < 0 || plane >= PlaneCount)
            throw new ArgumentOutOfRangeException(nameof(plane), $"Plane {plane} is outside 0..{PlaneCount - 1}.");
        if (destinationLength < PlaneLength)
            throw new ArgumentException($"Destination holds {destinationLength} values; a plane has {PlaneLength}.");
        return plane * PlaneLength;
    }

    /// <summary>Reads pixels [first, first + destination.Length) in storage order as physical values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReadPixels(long first, Span<float> destination)
    {
        CheckRange(first, destination.Length);
        var bpp = PixelCodec.BytesPerPixel(Bitpix);
        if (Bitpix == -32 && BScale == 1.0 && BZero == 0.0)
        {
            var bytes = MemoryMarshal.AsBytes(destination);
            var available = (int)Math.Clamp(AvailableDataBytes - first * 4, 0, bytes.Length) / 4 * 4;
            if (File.TryGetMapped(DataOffset + first * 4, available, out var mapped))
            {
                // From the page cache to the caller's memory in one pass that swaps the bytes on the way.
                PixelCodec.ToMachineOrder(mapped, bytes[..available], Bitpix);
                if (available < bytes.Length) destination[(available / 4)..].Fill(float.NaN);
                return;
            }
            // Straight into the caller's memory, swapping each chunk while it is still in cache.
            for (var done = 0; done < bytes.Length; done += DirectChunkBytes)
            {
                var chunk = bytes.Slice(done, Math.Min(DirectChunkBytes, bytes.Length - done));
                var got = ReadDataBytes(first * 4 + done, chunk);
                PixelCodec.ToMachineOrder(chunk[..(got / 4 * 4)], Bitpix);
                if (got < chunk.Length)
                {
                    destination[((done + got) / 4)..].Fill(float.NaN);
                    return;
                }
            }
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var done = 0;
            while (done < destination.Length)
            {
                var n = Math.Min(destination.Length - done, ChunkBytes / bpp);
                var raw = buffer.AsSpan(0, n * bpp);
                var got = ReadDataBytes((first + done) * bpp, raw);
                DecodeChunk(raw, got, destination.Slice(done, n));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void ReadPixels(long first, Span<double> destination)
    {
        CheckRange(first, destination.Length);
        var bpp = PixelCodec.BytesPerPixel(Bitpix);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var done = 0;
            while (done < destination.Length)
            {
                var n = Math.Min(destination.Length - done, ChunkBytes / bpp);
                var raw = buffer.AsSpan(0, n * bpp);
                var got = ReadDataBytes((first + done) * bpp, raw);
                var whole = got / bpp;
                PixelCodec.ToMachineOrder(raw[..(whole * bpp)], Bitpix);
                PixelCodec.Decode(raw[..(whole * bpp)], Bitpix, BScale, BZero, Blank, destination.Slice(done, whole));
                destination.Slice(done + whole, n - whole).Fill(double.NaN);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads stored (unscaled) values for an integer image, e.g. to see BLANK values or exact 64-bit integers.</summary>
    public void ReadRawPixels(long first, Span<long> destination)
    {
        if (Bitpix < 0) throw new InvalidOperationException($"BITPIX {Bitpix} is floating point; use ReadPixels.");
        CheckRange(first, destination.Length);
        var bpp = PixelCodec.BytesPerPixel(Bitpix);
        var raw = new byte[destination.Length * bpp];
        ReadDataBytes(first * bpp, raw);
        PixelCodec.ToMachineOrder(raw, Bitpix);
        for (var i = 0; i < destination.Length; i++)
            destination[i] = Bitpix switch
            {
                8 => raw[i],
                16 => MemoryMarshal.Cast<byte, short>(raw)[i],
                32 => MemoryMarshal.Cast<byte, int>(raw)[i],
                _ => MemoryMarshal.Cast<byte, long>(raw)[i],
            };
    }

    private void DecodeChunk(Span<byte> raw, int got, Span<float> destination)
    {
        var bpp = PixelCodec.BytesPerPixel(Bitpix);
        var whole = got / bpp;
        PixelCodec.ToMachineOrder(raw[..(whole * bpp)], Bitpix);
        PixelCodec.Decode(raw[..(whole * bpp)], Bitpix, BScale, BZero, Blank, destination[..whole]);
        destination[whole..].Fill(float.NaN);
    }

    private void CheckRange(long first, int length)
    {
        if (first < 0 || first + length > PixelCount)
            throw new ArgumentOutOfRangeException(nameof(first), $"Pixels {first}..{first + length - 1} are outside the image of {PixelCount} pixels.");
    }
}
