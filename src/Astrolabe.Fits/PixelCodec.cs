using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Astrolabe.Fits;

/// <summary>Converts big-endian FITS pixel bytes to and from physical values (BSCALE/BZERO, BLANK ↔ NaN).</summary>
internal static class PixelCodec
{
    public static int BytesPerPixel(int bitpix) => Math.Abs(bitpix) / 8;

    /// <summary>Swaps big-endian values to machine order in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToMachineOrder(Span<byte> bytes, int bitpix)
    {
        if (!BitConverter.IsLittleEndian) return;
        switch (BytesPerPixel(bitpix))
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, short>(bytes), MemoryMarshal.Cast<byte, short>(bytes)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(bytes), MemoryMarshal.Cast<byte, int>(bytes)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(bytes), MemoryMarshal.Cast<byte, long>(bytes)); break;
        }
    }

    /// <summary>Copies big-endian FITS values of <paramref name="bitpix"/> from <paramref name="source"/> to
    /// <paramref name="destination"/> in machine order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToMachineOrder(ReadOnlySpan<byte> source, Span<byte> destination, int bitpix)
    {
        if (!BitConverter.IsLittleEndian)
        {
            source.CopyTo(destination);
            return;
        }
        switch (BytesPerPixel(bitpix))
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, short>(source), MemoryMarshal.Cast<byte, short>(destination)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(source), MemoryMarshal.Cast<byte, int>(destination)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(source), MemoryMarshal.Cast<byte, long>(destination)); break;
            default: source.CopyTo(destination); break;
        }
    }

    /// <summary>Machine-order raw values to physical values.</summary>
    public static void Decode(ReadOnlySpan<byte> raw, int bitpix, double scale, double zero, long? blank, Span<float> destination)
    {
        var identity = scale == 1.0 && zero == 0.0;
        switch (bitpix)
        {
            case -32:
                {
                    var src = MemoryMarshal.Cast<byte, float>(raw);
                    if (identity) src.CopyTo(destination);
                    else for (var i = 0; i < src.Length; i++) destination[i] = (float)(zero + scale * src[i]);
                    break;
                }
            case -64:
                {
                    var src = MemoryMarshal.Cast<byte, double>(raw);
                    for (var i = 0; i < src.Length; i++) destination[i] = (float)(zero + scale * src[i]);
                    break;
                }
            case 8:
                {
                    var b = blank is { } bl and >= 0 and <= 255 ? (int)bl : -1;
                    for (var i = 0; i < raw.Length; i++) destination[i] = raw[i] == b ? float.NaN : (float)(zero + scale * raw[i]);
                    break;
                }
            case 16:
                {
                    var src = MemoryMarshal.Cast<byte, short>(raw);
                    var hasBlank = blank is >= short.MinValue and <= short.MaxValue;
                    var b = hasBlank ? (short)blank!.Value : (short)0;
                    for (var i = 0; i < src.Length; i++)
                        destination[i] = hasBlank && src[i] == b ? float.NaN : (float)(zero + scale * src[i]);
                    break;
                }
            case 32:
                {
                    var src = MemoryMarshal.Cast<byte, int>(raw);
                    var hasBlank = blank is >= int.MinValue and <= int.MaxValue;
                    var b = hasBlank ? (int)blank!.Value : 0;
                    for (var i = 0; i < src.Length; i++)
                        destination[i] = hasBlank && src[i] == b ? float.NaN : (float)(zero + scale * src[i]);
                    break;
                }
            case 64:
                {
                    var src = MemoryMarshal.Cast<byte, long>(raw);
                    for (var i = 0; i < src.Length; i++)
                        destination[i] = blank == src[i] ? float.NaN : (float)(zero + scale * (double)src[i]);
                    break;
                }
            default: throw new NotSupportedException($"BITPIX {bitpix}");
        }
    }

    public static void Decode(ReadOnlySpan<byte> raw, int bitpix, double scale, double zero, long? blank, Span<double> destination)
    {
        var identity = scale == 1.0 && zero == 0.0;
        switch (bitpix)
        {
            case -32:
                {
                    var src = MemoryMarshal.Cast<byte, float>(raw);
                    for (var i = 0; i < src.Length; i++) destination[i] = identity ? src[i] : zero + scale * src[i];
                    break;
                }
            case -64:
                {
                    var src = MemoryMarshal.Cast<byte, double>(raw);
                    if (identity) src.CopyTo(destination);
                    else for (var i = 0; i < src.Length; i++) destination[i] = zero + scale * src[i];
                    break;
                }
            case 8:
                {
                    var b = blank is { } bl and >= 0 and <= 255 ? (int)bl : -1;
                    for (var i = 0; i < raw.Length; i++) destination[i] = raw[i] == b ? double.NaN : zero + scale * raw[i];
                    break;
                }
            case 16:
                {
                    var src = MemoryMarshal.Cast<byte, short>(raw);
                    for (var i = 0; i < src.Length; i++) destination[i] = blank == src[i] ? double.NaN : zero + scale * src[i];
                    break;
                }
            case 32:
                {
                    var src = MemoryMarshal.Cast<byte, int>(raw);
                    for (var i = 0; i < src.Length; i++) destination[i] = blank == src[i] ? double.NaN : zero + scale * src[i];
                    break;
                }
            case 64:
                {
                    var src = MemoryMarshal.Cast<byte, long>(raw);
                    // BZERO = 2^63 is the unsigned-64 convention; add in integer arithmetic first to keep precision.
                    if (scale == 1.0 && zero == 9223372036854775808.0)
                        for (var i = 0; i < src.Length; i++) destination[i] = blank == src[i] ? double.NaN : (double)(ulong)(src[i] ^ long.MinValue);
                    else
                        for (var i = 0; i < src.Length; i++) destination[i] = blank == src[i] ? double.NaN : zero + scale * (double)src[i];
                    break;
                }
            default: throw new NotSupportedException($"BITPIX {bitpix}");
        }
    }

    /// <summary>Physical values to machine-order raw values for writing; NaN becomes BLANK for integer BITPIX.</summary>
    public static void Encode(ReadOnlySpan<double> values, int bitpix, double scale, double zero, long? blank, Span<byte> raw, long firstIndex)
    {
        switch (bitpix)
        {
            case -32:
                {
                    var dst = MemoryMarshal.Cast<byte, float>(raw);
                    for (var i = 0; i < values.Length; i++) dst[i] = (float)((values[i] - zero) / scale);
                    return;
                }
            case -64:
                {
                    var dst = MemoryMarshal.Cast<byte, double>(raw);
                    for (var i = 0; i < values.Length; i++) dst[i] = (values[i] - zero) / scale;
                    return;
                }
        }
        var (min, max) = bitpix switch
        {
            8 => (0.0, 255.0),
            16 => (short.MinValue, short.MaxValue),
            32 => (int.MinValue, (double)int.MaxValue),
            64 => ((double)long.MinValue, (double)long.MaxValue),
            _ => throw new NotSupportedException($"BITPIX {bitpix}"),
        };
        for (var i = 0; i < values.Length; i++)
        {
            long stored;
            if (double.IsNaN(values[i]))
                stored = blank ?? throw new ArgumentException($"Pixel {firstIndex + i} is NaN but the integer image (BITPIX {bitpix}) has no BLANK keyword.");
            else
            {
                var r = Math.Round((values[i] - zero) / scale);
                if (r < min || r > max)
                    throw new ArgumentOutOfRangeException(nameof(values), $"Pixel {firstIndex + i} = {values[i]} does not fit BITPIX {bitpix} with BSCALE {scale}, BZERO {zero}.");
                stored = (long)r;
            }
            switch (bitpix)
            {
                case 8: raw[i] = (byte)stored; break;
                case 16: MemoryMarshal.Cast<byte, short>(raw)[i] = (short)stored; break;
                case 32: MemoryMarshal.Cast<byte, int>(raw)[i] = (int)stored; break;
                default: MemoryMarshal.Cast<byte, long>(raw)[i] = stored; break;
            }
        }
    }
}
