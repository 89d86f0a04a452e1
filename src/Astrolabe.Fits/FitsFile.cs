using System.IO.Compression;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Astrolabe.Fits;

/// <summary>
/// An open FITS file: its HDUs (headers read at open, data read lazily on demand). Gzip-compressed files
/// (.fits.gz) are decompressed once to a temporary file that is deleted on dispose. Reads are positional,
/// so several threads may read planes or rows of the same file at once.
/// </summary>
public sealed class FitsFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly List<Hdu> _hdus = new();
    private readonly List<FitsFix> _fixes = new();
    private readonly object _mapGate = new();
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private unsafe byte* _mapped;
    private bool _mapFailed;

    private FitsFile(string path, SafeFileHandle handle, FitsReadOptions options)
    {
        Path = path;
        _handle = handle;
        Options = options;
        Length = RandomAccess.GetLength(handle);
    }

    public string Path { get; }

    public FitsReadOptions Options { get; }

    /// <summary>Length of the (decompressed) FITS byte stream.</summary>
    public long Length { get; }

    public IReadOnlyList<Hdu> Hdus => _hdus;

    public Hdu Primary => _hdus[0];

    /// <summary>Repairs made while reading in lenient mode (empty in strict mode).</summary>
    public IReadOnlyList<FitsFix> Fixes => _fixes;

    /// <summary>The first image HDU that has pixels (primary or extension), or null.</summary>
    public ImageHdu? FirstImage
    {
        get
        {
            foreach (var hdu in _hdus)
                if (hdu is ImageHdu { PixelCount: > 0 } image) return image;
            return null;
        }
    }

    /// <summary>The first HDU whose EXTNAME matches (case-insensitive), or null.</summary>
    public Hdu? this[string extensionName]
    {
        get
        {
            foreach (var hdu in _hdus)
                if (string.Equals(hdu.Name, extensionName, StringComparison.OrdinalIgnoreCase)) return hdu;
            return null;
        }
    }

    public static FitsFile Open(string path, FitsReadOptions? options = null)
    {
        options ??= FitsReadOptions.Strict;
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            if (IsGzip(handle))
            {
                var decompressed = DecompressToTemporaryFile(handle, path, options.TemporaryDirectory ?? System.IO.Path.GetTempPath());
                handle = decompressed;
            }
            var file = new FitsFile(path, handle, options);
            file.Scan();
            return file;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static bool IsGzip(SafeFileHandle handle)
    {
        Span<byte> magic = stackalloc byte[2];
        return RandomAccess.Read(handle, magic, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static SafeFileHandle DecompressToTemporaryFile(SafeFileHandle source, string path, string directory)
    {
        var tempPath = System.IO.Path.Combine(directory, $"astrolabe-{Guid.NewGuid():N}.fits");
        // Unlinked as soon as it is reopened for reading: nothing is left behind, even if the process dies.
        try
        {
            using (var input = new FileStream(source, FileAccess.Read, 1 << 16))
            using (var gzip = new GZipStream(input, CompressionMode.Decompress))
            using (var output = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                try
                {
                    gzip.CopyTo(output, 1 << 20);
                }
                catch (InvalidDataException e)
                {
                    throw new FitsFormatException($"Corrupt gzip stream in {path}: {e.Message}", output.Position);
                }
            }
            return File.OpenHandle(tempPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        finally
        {
            File.Delete(tempPath);
        }
    }

    private void Scan()
    {
        long offset = 0;
        var buffer = new byte[HeaderParser.BlockLength];
        while (offset < Length)
        {
            var index = _hdus.Count;
            if (index > 0 && !StartsExtension(offset)) break;

            if (index == 0 && (ReadAvailable(buffer.AsSpan(0, 8), 0) < 8 || !buffer.AsSpan(0, 8).SequenceEqual("SIMPLE  "u8)))
                throw new FitsFormatException("Not a FITS file: it does not start with a SIMPLE card", 0, 1, hduIndex: 0);

            // Read whole blocks until one holds the END card.
            var length = 0;
            var endCard = -1;
            while (endCard < 0)
            {
                if (length + HeaderParser.BlockLength > buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var read = ReadAvailable(buffer.AsSpan(length, HeaderParser.BlockLength), offset + length);
                if (read == 0) break;
                var firstNewCard = length / HeaderParser.CardLength;
                length += read;
                endCard = HeaderParser.FindEnd(buffer.AsSpan(0, length), firstNewCard);
                if (read < HeaderParser.BlockLength) break;
            }
            if (endCard < 0 && index > 0 && Options.IsLenient && length < HeaderParser.CardLength) break;

            var header = HeaderParser.Parse(buffer.AsSpan(0, length), offset, index, Options, _fixes, out var cardCount);
            var headerBlocks = (cardCount + 1 + 35) / 36;
            var dataOffset = offset + (long)headerBlocks * HeaderParser.BlockLength;
            CheckMandatory(header, index);
            long dataSize;
            try
            {
                dataSize = DataSize(header, index);
            }
            catch (OverflowException)
            {
                throw new FitsFormatException("The data size given by BITPIX, NAXISn, PCOUNT and GCOUNT overflows", offset, hduIndex: index);
            }
            if (dataSize < 0)
                throw new FitsFormatException($"The data size given by BITPIX, NAXISn, PCOUNT and GCOUNT is negative ({dataSize})", offset, hduIndex: index);
            var available = Math.Clamp(Length - dataOffset, 0, dataSize);
            if (available < dataSize)
            {
                var message = $"Data unit truncated: {dataSize} bytes expected from byte {dataOffset}, but the file ends after {available}";
                if (!Options.IsLenient) throw new FitsFormatException(message, Length, hduIndex: index);
                _fixes.Add(new FitsFix(message + "; missing values read as NaN (or 0 for integers in tables)", Length, index));
            }
            try
            {
                _hdus.Add(CreateHdu(header, index, offset, dataOffset, dataSize, available));
            }
            catch (Exception e) when (e is OverflowException or FormatException or ArgumentException)
            {
                // A value out of range for its role (a row length over 2 GB, a TDIM that does not parse...).
                throw new FitsFormatException($"HDU description is not usable: {e.Message}", offset, hduIndex: index);
            }
            offset = dataOffset + (dataSize + HeaderParser.BlockLength - 1) / HeaderParser.BlockLength * HeaderParser.BlockLength;
        }
        if (_hdus.Count == 0) throw new FitsFormatException("File is empty", 0);
    }

    private bool StartsExtension(long offset)
    {
        Span<byte> start = stackalloc byte[10];
        var read = ReadAvailable(start, offset);
        if (read == 10 && start.SequenceEqual("XTENSION= "u8)) return true;
        // Trailing zeros or blanks after the last HDU are harmless; anything else is reported.
        var rest = new byte[(int)Math.Min(Length - offset, 1 << 20)];
        ReadAvailable(rest, offset);
        if (rest.AsSpan().IndexOfAnyExcept((byte)0, (byte)' ') >= 0)
        {
            if (!Options.IsLenient)
                throw new FitsFormatException("Bytes after the last HDU do not start an extension (expected XTENSION)", offset, hduIndex: _hdus.Count);
            _fixes.Add(new FitsFix($"ignored {Length - offset} bytes after the last HDU that do not start an extension", offset, _hdus.Count));
        }
        return false;
    }

    private void CheckMandatory(Header header, int index)
    {
        var first = header.Cards.Count > 0 ? header.Cards[0] : null;
        if (index == 0)
        {
            if (first is null || first.Keyword != "SIMPLE")
                throw new FitsFormatException("Not a FITS file: the first card is not SIMPLE", header.ByteOffset, 1, first?.Keyword, index);
            if (!(first.TryGetBool(out var simple) && simple))
            {
                if (!Options.IsLenient)
                    throw new FitsFormatException("SIMPLE is not T: the file does not conform to the FITS standard", header.ByteOffset, 1, "SIMPLE", index);
                _fixes.Add(new FitsFix("SIMPLE is not T; read as standard FITS anyway", header.ByteOffset, index, 1, "SIMPLE"));
            }
        }
        var bitpix = header.GetInt("BITPIX");
        if (bitpix is not (8 or 16 or 32 or 64 or -32 or -64))
            throw new FitsFormatException($"BITPIX = {bitpix} is not one of 8, 16, 32, 64, -32, -64",
                CardOffset(header, "BITPIX"), header.Find("BITPIX")?.Number, "BITPIX", index);
        var naxis = header.GetInt("NAXIS");
        if (naxis is < 0 or > 999)
            throw new FitsFormatException($"NAXIS = {naxis} is outside 0..999", CardOffset(header, "NAXIS"), header.Find("NAXIS")?.Number, "NAXIS", index);
        for (var i = 1; i <= naxis; i++)
        {
            var key = $"NAXIS{i}";
            if (!header.Contains(key))
                throw new FitsFormatException($"NAXIS = {naxis} but {key} is missing", header.ByteOffset, keyword: key, hduIndex: index);
            var n = header.GetLong(key);
            if (n < 0)
                throw new FitsFormatException($"{key} = {n} is negative", CardOffset(header, key), header.Find(key)?.Number, key, index);
        }
    }

    private static long? CardOffset(Header header, string keyword) =>
        header.Find(keyword) is { Number: > 0 } card ? header.ByteOffset + 80L * (card.Number - 1) : null;

    private static long DataSize(Header header, int index)
    {
        var naxis = header.GetInt("NAXIS");
        if (naxis == 0) return 0;
        var bytesPerValue = Math.Abs(header.GetInt("BITPIX")) / 8;
        // Random groups (NAXIS1 = 0) leave NAXIS1 out of the product.
        var randomGroups = index == 0 && header.GetLong("NAXIS1") == 0 && header.GetBool("GROUPS", false);
        long product = 1;
        for (var i = randomGroups ? 2 : 1; i <= naxis; i++) product = checked(product * header.GetLong($"NAXIS{i}"));
        var pcount = header.GetLong("PCOUNT", 0);
        var gcount = header.GetLong("GCOUNT", 1);
        return checked(bytesPerValue * gcount * (pcount + product));
    }

    private Hdu CreateHdu(Header header, int index, long offset, long dataOffset, long dataSize, long available)
    {
        var type = index == 0 ? "PRIMARY" : header.GetString("XTENSION").Trim();
        if (index == 0 && header.GetBool("GROUPS", false) && header.GetLong("NAXIS1", 1) == 0)
            return new Hdu(this, index, header, offset, dataOffset, dataSize, available);
        return type switch
        {
            "PRIMARY" or "IMAGE" => new ImageHdu(this, index, header, offset, dataOffset, dataSize, available),
            "BINTABLE" => new BinaryTableHdu(this, index, header, offset, dataOffset, dataSize, available),
            "TABLE" => new AsciiTableHdu(this, index, header, offset, dataOffset, dataSize, available),
            _ => new Hdu(this, index, header, offset, dataOffset, dataSize, available),
        };
    }

    private int ReadAvailable(Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = RandomAccess.Read(_handle, destination[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    internal void ReadExactly(Span<byte> destination, long offset)
    {
        var n = ReadAvailable(destination, offset);
        if (n < destination.Length)
            throw new FitsFormatException($"Unexpected end of file reading {destination.Length} bytes", offset + n);
    }

    internal async ValueTask ReadExactlyAsync(Memory<byte> destination, long offset, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = await RandomAccess.ReadAsync(_handle, destination[total..], offset + total, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new FitsFormatException($"Unexpected end of file reading {destination.Length} bytes", offset + total);
            total += n;
        }
    }

    /// <summary>Bytes [<paramref name="offset"/>, offset + <paramref name="length"/>) of the file seen through a read-only
    /// memory map: the page cache itself, so bulk pixel reads decode straight from it into the caller's memory instead
    /// of copying into a buffer first. False when the file cannot be mapped (the caller then reads).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe bool TryGetMapped(long offset, int length, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (offset < 0 || length < 0 || offset + length > Length || _mapFailed) return false;
        if (_mapped == null)
        {
            lock (_mapGate)
            {
                if (_mapped == null && !_mapFailed)
                {
                    try
                    {
                        _map = MemoryMappedFile.CreateFromFile(_handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                        byte* start = null;
                        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
                        _mapped = start + _view.PointerOffset;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                    {
                        _view?.Dispose();
                        _map?.Dispose();
                        _mapFailed = true;
                    }
                }
            }
            if (_mapFailed) return false;
        }
        bytes = new ReadOnlySpan<byte>(_mapped + offset, length);
        return true;
    }

    public unsafe void Dispose()
    {
        lock (_mapGate)
        {
            if (_mapped != null)
            {
                _view!.SafeMemoryMappedViewHandle.ReleasePointer();
                _mapped = null;
            }
            _view?.Dispose();
            _map?.Dispose();
            _mapFailed = true;
        }
        _handle.Dispose();
    }

    public override string ToString()
    {
        var sb = new StringBuilder(Path).AppendLine();
        foreach (var hdu in _hdus) sb.AppendLine(hdu.ToString());
        return sb.ToString();
    }
}
