namespace Astrolabe.Fits;

/// <summary>
/// One header-data unit of an open <see cref="FitsFile"/>: its header and where its data unit lies.
/// Subclasses read the data: <see cref="ImageHdu"/>, <see cref="BinaryTableHdu"/>, <see cref="AsciiTableHdu"/>.
/// </summary>
public class Hdu
{
    internal Hdu(FitsFile file, int index, Header header, long headerOffset, long dataOffset, long dataSize, long availableDataBytes)
    {
        File = file;
        Index = index;
        Header = header;
        HeaderOffset = headerOffset;
        DataOffset = dataOffset;
        DataSize = dataSize;
        AvailableDataBytes = availableDataBytes;
        Bitpix = header.GetInt("BITPIX");
        var naxis = header.GetInt("NAXIS");
        var axes = new long[naxis];
        for (var i = 0; i < naxis; i++) axes[i] = header.GetLong($"NAXIS{i + 1}");
        Axes = axes;
    }

    internal FitsFile File { get; }

    /// <summary>0-based position in the file; 0 is the primary HDU.</summary>
    public int Index { get; }

    public Header Header { get; }

    /// <summary>XTENSION value ("IMAGE", "BINTABLE", "TABLE", ...), or null for the primary HDU.</summary>
    public string? ExtensionType => Index == 0 ? null : Header.GetString("XTENSION", null)?.Trim();

    /// <summary>EXTNAME, or null.</summary>
    public string? Name => Header.TryGetString("EXTNAME", out var name) ? name.Trim() : null;

    public int Bitpix { get; }

    /// <summary>NAXIS1..NAXISn (NAXIS1 varies fastest).</summary>
    public IReadOnlyList<long> Axes { get; }

    public long HeaderOffset { get; }

    public long DataOffset { get; }

    /// <summary>Size of the data unit in bytes, without the padding to 2880.</summary>
    public long DataSize { get; }

    /// <summary>Bytes of the data unit actually present (less than <see cref="DataSize"/> only for a truncated file read leniently).</summary>
    public long AvailableDataBytes { get; }

    /// <summary>
    /// Checks the CHECKSUM and DATASUM keywords (FITS 4.0 appendix J): null when the HDU has neither, true when
    /// those present match the bytes in the file, false when something changed since they were written.
    /// </summary>
    public bool? VerifyChecksum()
    {
        var hasChecksum = Header.TryGetString("CHECKSUM", out _);
        var hasDatasum = Header.TryGetString("DATASUM", out var datasumText);
        if (!hasChecksum && !hasDatasum) return null;
        var paddedData = (DataSize + 2879) / 2880 * 2880;
        if (AvailableDataBytes < DataSize) return false;
        var dataSum = OnesComplementSum(DataOffset, Math.Min(paddedData, File.Length - DataOffset));
        if (hasDatasum && !(ulong.TryParse(datasumText.Trim(), out var expected) && expected == dataSum)) return false;
        if (!hasChecksum) return true;
        var headerSum = OnesComplementSum(HeaderOffset, DataOffset - HeaderOffset);
        return Fold(headerSum + dataSum) == 0xFFFFFFFFu;
    }

    private uint OnesComplementSum(long offset, long length)
    {
        ulong sum = 0;
        var buffer = new byte[1 << 16];
        for (long done = 0; done < length; done += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, length - done);
            Array.Clear(buffer);
            File.ReadExactly(buffer.AsSpan(0, n), offset + done);
            var words = (n + 3) / 4;
            for (var i = 0; i < words; i++)
                sum += System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4 * i));
            sum = Fold(sum);
        }
        return (uint)Fold(sum);
    }

    private static ulong Fold(ulong sum)
    {
        while (sum >> 32 != 0) sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
        return sum;
    }

    /// <summary>Reads raw data-unit bytes; bytes past the end of a truncated file are left untouched, and the count read is returned.</summary>
    internal int ReadDataBytes(long offsetInData, Span<byte> destination)
    {
        if (offsetInData < 0 || offsetInData + destination.Length > DataSize)
            throw new ArgumentOutOfRangeException(nameof(offsetInData), $"Read of {destination.Length} bytes at {offsetInData} is outside the data unit of {DataSize} bytes.");
        var available = (int)Math.Clamp(AvailableDataBytes - offsetInData, 0, destination.Length);
        File.ReadExactly(destination[..available], DataOffset + offsetInData);
        return available;
    }

    internal async ValueTask<int> ReadDataBytesAsync(long offsetInData, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (offsetInData < 0 || offsetInData + destination.Length > DataSize)
            throw new ArgumentOutOfRangeException(nameof(offsetInData), $"Read of {destination.Length} bytes at {offsetInData} is outside the data unit of {DataSize} bytes.");
        var available = (int)Math.Clamp(AvailableDataBytes - offsetInData, 0, destination.Length);
        await File.ReadExactlyAsync(destination[..available], DataOffset + offsetInData, cancellationToken).ConfigureAwait(false);
        return available;
    }

    public override string ToString() =>
        $"HDU {Index} {ExtensionType ?? "PRIMARY"}{(Name is { } n ? $" '{n}'" : "")} BITPIX={Bitpix} [{string.Join('x', Axes)}]";
}
