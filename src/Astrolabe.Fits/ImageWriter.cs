using System.Buffers;

namespace Astrolabe.Fits;

/// <summary>Streams the pixels of one image HDU, in storage order, into a <see cref="FitsWriter"/>.</summary>
public sealed class ImageWriter : IDisposable
{
    private const int ChunkValues = 1 << 15;
    private readonly FitsWriter _owner;
    private readonly int _bitpix;
    private readonly double _scale;
    private readonly double _zero;
    private readonly long? _blank;
    private bool _done;

    internal ImageWriter(FitsWriter owner, Header header, int bitpix, long pixelCount)
    {
        _owner = owner;
        Header = header;
        _bitpix = bitpix;
        PixelCount = pixelCount;
        _scale = header.GetDouble("BSCALE", 1.0);
        _zero = header.GetDouble("BZERO", 0.0);
        _blank = bitpix > 0 && header.TryGetLong("BLANK", out var b) ? b : null;
    }

    /// <summary>The header as written.</summary>
    public Header Header { get; }

    public long PixelCount { get; }

    public long PixelsWritten { get; private set; }

    public void Write(ReadOnlySpan<float> values)
    {
        if (_bitpix == -32 && _scale == 1.0 && _zero == 0.0)
        {
            WriteFloatsAsIs(values);
            return;
        }
        var buffer = ArrayPool<double>.Shared.Rent(ChunkValues);
        try
        {
            for (var done = 0; done < values.Length; done += ChunkValues)
            {
                var n = Math.Min(ChunkValues, values.Length - done);
                var chunk = values.Slice(done, n);
                for (var i = 0; i < n; i++) buffer[i] = chunk[i];
                Write(buffer.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    public void Write(ReadOnlySpan<double> values)
    {
        if (PixelsWritten + values.Length > PixelCount)
            throw new InvalidOperationException($"Writing {values.Length} more pixels exceeds the image size {PixelCount}.");
        var bpp = PixelCodec.BytesPerPixel(_bitpix);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkValues * bpp);
        try
        {
            for (var done = 0; done < values.Length; done += ChunkValues)
            {
                var n = Math.Min(ChunkValues, values.Length - done);
                var raw = buffer.AsSpan(0, n * bpp);
                PixelCodec.Encode(values.Slice(done, n), _bitpix, _scale, _zero, _blank, raw, PixelsWritten + done);
                PixelCodec.ToMachineOrder(raw, _bitpix); // the swap is its own inverse: machine order → big-endian
                _owner.WriteData(raw);
            }
            PixelsWritten += values.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The common case (float32 pixels, no scaling): byte-swap chunks straight to the stream.
    private void WriteFloatsAsIs(ReadOnlySpan<float> values)
    {
        if (PixelsWritten + values.Length > PixelCount)
            throw new InvalidOperationException($"Writing {values.Length} more pixels exceeds the image size {PixelCount}.");
        const int chunkValues = 1 << 18; // 1 MiB per write call
        var buffer = ArrayPool<int>.Shared.Rent(Math.Min(chunkValues, values.Length));
        try
        {
            var source = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(values);
            for (var done = 0; done < source.Length; done += chunkValues)
            {
                var n = Math.Min(chunkValues, source.Length - done);
                var chunk = buffer.AsSpan(0, n);
                if (BitConverter.IsLittleEndian) System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(source.Slice(done, n), chunk);
                else source.Slice(done, n).CopyTo(chunk);
                _owner.WriteData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk));
            }
            PixelsWritten += values.Length;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes stored integer values as they are (no BSCALE/BZERO), e.g. exact 64-bit values.</summary>
    public void WriteRaw(ReadOnlySpan<long> stored)
    {
        if (_bitpix < 0) throw new InvalidOperationException("WriteRaw is for integer BITPIX.");
        if (PixelsWritten + stored.Length > PixelCount)
            throw new InvalidOperationException($"Writing {stored.Length} more pixels exceeds the image size {PixelCount}.");
        var bpp = PixelCodec.BytesPerPixel(_bitpix);
        var raw = new byte[stored.Length * bpp];
        for (var i = 0; i < stored.Length; i++)
        {
            var v = stored[i];
            for (var b = 0; b < bpp; b++) raw[i * bpp + b] = (byte)(v >> (8 * (bpp - 1 - b)));
        }
        _owner.WriteData(raw);
        PixelsWritten += stored.Length;
    }

    /// <summary>Finishes the HDU; throws if fewer pixels than the image holds were written.</summary>
    public void Complete()
    {
        if (PixelsWritten != PixelCount)
            throw new InvalidOperationException($"Image HDU completed with {PixelsWritten} of {PixelCount} pixels written.");
        Dispose();
    }

    /// <summary>
    /// Finishes the HDU (pads the data unit). Missing pixels are written as zeros so the file stays
    /// structurally valid; call <see cref="Complete"/> to have that reported instead.
    /// </summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        var bpp = PixelCodec.BytesPerPixel(_bitpix);
        if (PixelsWritten < PixelCount)
        {
            var zeros = new byte[Math.Min((PixelCount - PixelsWritten) * bpp, 1 << 20)];
            for (var left = (PixelCount - PixelsWritten) * bpp; left > 0; left -= zeros.Length)
                _owner.WriteData(zeros.AsSpan(0, (int)Math.Min(left, zeros.Length)));
        }
        _owner.EndHdu(PixelCount * bpp);
    }
}
