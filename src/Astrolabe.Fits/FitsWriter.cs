using System.IO.Compression;

namespace Astrolabe.Fits;

/// <summary>
/// Writes a FITS file HDU by HDU to a stream (gzip-compressed when the path ends in .gz). The first HDU is the
/// primary; writing a table first puts an empty primary HDU before it. Mandatory keywords (SIMPLE/XTENSION,
/// BITPIX, NAXISn, EXTEND, PCOUNT, GCOUNT, TFIELDS...) are written by the writer; caller cards follow them.
/// </summary>
public sealed partial class FitsWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private IDisposable? _open;

    public FitsWriter(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <param name="checksums">Write CHECKSUM and DATASUM in every HDU (not for .gz: the header is rewritten in place).</param>
    public static FitsWriter Create(string path, bool checksums = false)
    {
        var gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        if (gzip && checksums) throw new NotSupportedException("Checksums cannot be written into a gzip-compressed file.");
        Stream stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        if (gzip) stream = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: false);
        return new FitsWriter(stream) { WriteChecksums = checksums };
    }

    /// <summary>Write CHECKSUM and DATASUM (FITS 4.0 appendix J) in every HDU; needs a seekable stream.</summary>
    public bool WriteChecksums
    {
        get => _checksums;
        init
        {
            if (value && !_stream.CanSeek) throw new NotSupportedException("Checksums need a seekable stream.");
            _checksums = value;
        }
    }

    private readonly bool _checksums;
    private Header? _hduHeader;
    private long _hduHeaderPosition;
    private ulong _dataSum;
    private long _dataCount;

    /// <summary>Number of HDUs started so far.</summary>
    public int HduCount { get; private set; }

    internal Stream Stream => _stream;

    private static readonly HashSet<string> Structural = new(StringComparer.OrdinalIgnoreCase)
    {
        "SIMPLE", "XTENSION", "BITPIX", "NAXIS", "EXTEND", "PCOUNT", "GCOUNT", "GROUPS", "TFIELDS", "THEAP", "END",
    };

    /// <summary>Is this keyword one the writer sets itself (it is skipped from caller cards)?</summary>
    internal static bool IsStructural(string keyword)
    {
        if (Structural.Contains(keyword)) return true;
        foreach (var prefix in (ReadOnlySpan<string>)["NAXIS", "TFORM", "TBCOL"])
            if (keyword.Length > prefix.Length && keyword.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && keyword.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0)
                return true;
        return false;
    }

    /// <summary>Writes an empty primary HDU (NAXIS = 0) with the caller's cards.</summary>
    public void WriteEmptyPrimary(Header? cards = null)
    {
        if (HduCount != 0) throw new InvalidOperationException("The primary HDU has already been written.");
        using var image = BeginImage(8, [], cards);
    }

    /// <summary>Writes a whole image HDU; <paramref name="axes"/> are NAXIS1..NAXISn.</summary>
    public void WriteImage(ReadOnlySpan<float> data, long[] axes, Header? cards = null, int bitpix = -32)
    {
        using var image = BeginImage(bitpix, axes, cards);
        image.Write(data);
        image.Complete();
    }

    public void WriteImage(ReadOnlySpan<double> data, long[] axes, Header? cards = null, int bitpix = -64)
    {
        using var image = BeginImage(bitpix, axes, cards);
        image.Write(data);
        image.Complete();
    }

    /// <summary>
    /// Starts an image HDU whose pixels are then written in storage order (e.g. plane by plane) with
    /// <see cref="ImageWriter"/>. For integer BITPIX, BSCALE/BZERO/BLANK from <paramref name="cards"/> are used
    /// to store physical values (NaN → BLANK).
    /// </summary>
    public ImageWriter BeginImage(int bitpix, long[] axes, Header? cards = null)
    {
        if (bitpix is not (8 or 16 or 32 or 64 or -32 or -64))
            throw new ArgumentException($"BITPIX {bitpix} is not one of 8, 16, 32, 64, -32, -64.", nameof(bitpix));
        var header = new Header();
        if (HduCount == 0) header.Add(Card.FromValue("SIMPLE", true, "conforms to FITS standard"));
        else header.Add(Card.FromValue("XTENSION", "IMAGE", "image extension"));
        header.Add(Card.FromValue("BITPIX", (long)bitpix, "bits per data value"));
        header.Add(Card.FromValue("NAXIS", (long)axes.Length, "number of axes"));
        for (var i = 0; i < axes.Length; i++) header.Add(Card.FromValue($"NAXIS{i + 1}", axes[i]));
        if (HduCount == 0) header.Add(Card.FromValue("EXTEND", true, "extensions may follow"));
        else
        {
            header.Add(Card.FromValue("PCOUNT", 0L));
            header.Add(Card.FromValue("GCOUNT", 1L));
        }
        AppendCallerCards(header, cards);
        long count = axes.Length == 0 ? 0 : 1;
        foreach (var n in axes) count *= n;
        var writer = new ImageWriter(this, header, bitpix, count);
        StartHdu(header, writer);
        return writer;
    }

    internal static void AppendCallerCards(Header header, Header? cards, bool table = false)
    {
        if (cards is null) return;
        foreach (var card in cards.Cards)
            if (card.IsCommentary || !(IsStructural(card.Keyword) || (table && IsColumnKeyword(card.Keyword)))) header.Add(card);
    }

    /// <summary>Column keywords the table writer sets itself (TTYPEn, TUNITn, TZEROn...).</summary>
    private static bool IsColumnKeyword(string keyword)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["TTYPE", "TUNIT", "TZERO", "TSCAL", "TNULL", "TDIM", "TUCD", "TDISP"])
            if (keyword.Length > prefix.Length && keyword.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && keyword.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0)
                return true;
        return false;
    }

    internal void StartHdu(Header header, IDisposable writer)
    {
        if (_open is not null) throw new InvalidOperationException("The previous HDU has not been completed (dispose its writer first).");
        if (_checksums)
        {
            header.Set("CHECKSUM", Checksum.Zero, "HDU checksum");
            header.Set("DATASUM", "0", "data unit checksum");
            _hduHeader = header;
            _hduHeaderPosition = _stream.Position;
            _dataSum = 0;
            _dataCount = 0;
        }
        var bytes = header.ToBytes();
        _stream.Write(bytes);
        _open = writer;
        HduCount++;
    }

    internal void EndHdu(long dataBytes)
    {
        // dataBytes = 0 when the caller has already padded (ASCII tables pad with blanks).
        var pad = (int)((2880 - dataBytes % 2880) % 2880);
        if (pad > 0) WriteData(new byte[pad]);
        _open = null;
        if (_checksums && _hduHeader is { } header)
        {
            // Now the data sum is known: fill in DATASUM and CHECKSUM and rewrite the header in place.
            var dataSum = (uint)Checksum.Fold(_dataSum);
            header.Set("DATASUM", dataSum.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var headerSum = Checksum.Sum(header.ToBytes());
            header.Set("CHECKSUM", Checksum.Encode(~(uint)Checksum.Fold((ulong)headerSum + dataSum)));
            var end = _stream.Position;
            _stream.Position = _hduHeaderPosition;
            _stream.Write(header.ToBytes());
            _stream.Position = end;
            _hduHeader = null;
        }
    }

    /// <summary>Writes data-unit bytes (keeping the running data checksum when checksums are on).</summary>
    internal void WriteData(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        if (!_checksums) return;
        _dataSum = Checksum.Fold(_dataSum + Checksum.Sum(bytes, _dataCount));
        _dataCount += bytes.Length;
    }

    public void Dispose()
    {
        _open?.Dispose();
        if (HduCount == 0) WriteEmptyPrimary();
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }
}
