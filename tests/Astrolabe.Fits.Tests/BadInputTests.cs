using System.IO.Compression;
using System.Text;

namespace Astrolabe.Fits.Tests;

/// <summary>Malformed files: a clear FitsFormatException naming the card or byte offset, never a crash; lenient mode reads what it can.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = TestData.NewTempDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dir);

    /// <summary>A file from card images (padded to 80 and to whole blocks) followed by data bytes.</summary>
    private string FileOf(string name, IEnumerable<string> cards, byte[]? data = null, bool padData = true)
    {
        var text = string.Concat(cards.Select(c => c.PadRight(80)));
        text = text.PadRight((text.Length + 2879) / 2880 * 2880);
        var bytes = new List<byte>(Encoding.Latin1.GetBytes(text));
        if (data is not null)
        {
            bytes.AddRange(data);
            if (padData) bytes.AddRange(new byte[(2880 - data.Length % 2880) % 2880]);
        }
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private static string[] ImageCards(int bitpix = 16, params string[] more) =>
    [
        "SIMPLE  =                    T", $"BITPIX  = {bitpix,20}", "NAXIS   =                    2",
        "NAXIS1  =                   10", "NAXIS2  =                    4", .. more, "END",
    ];

    [Fact]
    public void Truncated_float_data_read_through_the_memory_map_ends_in_nan()
    {
        // 12 whole big-endian float32 values of 1.5 and half of a 13th: the rest of the 10 x 4 image is missing.
        var data = new byte[50];
        for (var i = 0; i + 4 <= data.Length; i += 4) System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(data.AsSpan(i), 1.5f);
        var path = FileOf("truncated-float.fits", ImageCards(-32), data, padData: false);

        using var fits = FitsFile.Open(path, FitsReadOptions.Lenient);
        var image = (ImageHdu)fits.Primary;
        var pixels = image.ReadAll();
        Assert.All(pixels[..12], v => Assert.Equal(1.5f, v));
        Assert.All(pixels[12..], v => Assert.True(float.IsNaN(v)));
        var row = new float[10];
        image.ReadPixels(10, row);
        Assert.Equal(1.5f, row[1]);
        Assert.True(float.IsNaN(row[2]));
    }

    [Fact]
    public void Truncated_data_names_the_offset_and_lenient_mode_reads_nan()
    {
        var path = FileOf("truncated.fits", ImageCards(16), new byte[50], padData: false);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Contains("truncated", e.Message);
        Assert.Equal(2880 + 50, e.ByteOffset);

        using var fits = FitsFile.Open(path, FitsReadOptions.Lenient);
        var fix = Assert.Single(fits.Fixes);
        Assert.Contains("truncated", fix.Description);
        var pixels = ((ImageHdu)fits.Primary).ReadAll();
        Assert.All(pixels[..25], v => Assert.Equal(0f, v));
        Assert.All(pixels[25..], v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Missing_padding_of_the_last_block_is_accepted()
    {
        var path = FileOf("unpadded.fits", ImageCards(16), new byte[80], padData: false);
        using var fits = FitsFile.Open(path);
        Assert.Equal(40, ((ImageHdu)fits.Primary).ReadAll().Length);
    }

    [Fact]
    public void Header_without_end_is_an_error_and_lenient_mode_reads_its_cards()
    {
        var path = FileOf("noend.fits", ImageCards(16)[..^1].Append("OBJECT  = 'M31'"));
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Contains("no END card", e.Message);
        using var fits = FitsFile.Open(path, FitsReadOptions.Lenient);
        Assert.Equal("M31", fits.Primary.Header.GetString("OBJECT"));
        Assert.Contains(fits.Fixes, f => f.Description.Contains("END"));
    }

    [Fact]
    public void Wrong_bitpix_names_the_card()
    {
        var path = FileOf("bitpix.fits", ImageCards(12), new byte[80]);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Equal("BITPIX", e.Keyword);
        Assert.Equal(2, e.CardNumber);
        Assert.Equal(80, e.ByteOffset);
        Assert.Contains("BITPIX = 12", e.Message);
    }

    [Fact]
    public void Missing_naxis_n_is_named()
    {
        var path = FileOf("naxis.fits", ["SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    3",
            "NAXIS1  =                    2", "NAXIS3  =                    2", "END"]);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Equal("NAXIS2", e.Keyword);
        Assert.Contains("NAXIS2 is missing", e.Message);
    }

    [Fact]
    public void Non_numeric_value_names_card_number_and_keyword()
    {
        var path = FileOf("nonnumeric.fits", ImageCards(16, "EXPTIME =             12.5.3 / seconds"), new byte[80]);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Equal("EXPTIME", e.Keyword);
        Assert.Equal(6, e.CardNumber);
        Assert.Contains("'12.5.3'", e.Message);
        Assert.Contains("card 6", e.Message);

        using var fits = FitsFile.Open(path, FitsReadOptions.Lenient);
        Assert.Contains(fits.Fixes, f => f.Keyword == "EXPTIME" && f.CardNumber == 6);
        var lookup = Assert.Throws<FitsFormatException>(() => fits.Primary.Header.GetDouble("EXPTIME"));
        Assert.Contains("should be a number", lookup.Message);
    }

    [Fact]
    public void Absurd_sizes_are_format_errors_not_overflows()
    {
        var path = FileOf("huge.fits", ["SIMPLE  =                    T", "BITPIX  =                  -64", "NAXIS   =                    3",
            "NAXIS1  =          99999999999", "NAXIS2  =          99999999999", "NAXIS3  =          99999999999", "END"]);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Contains("overflows", e.Message);

        var big = FileOf("bignaxis.fits", ["SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =        4000000000", "END"]);
        var naxis = Assert.Throws<FitsFormatException>(() => FitsFile.Open(big));
        Assert.Equal("NAXIS", naxis.Keyword);
    }

    [Fact]
    public void Structural_keyword_with_a_string_value_is_named()
    {
        var path = FileOf("stringnaxis.fits", ["SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    1",
            "NAXIS1  = 'ten'", "END"]);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Equal("NAXIS1", e.Keyword);
        Assert.Equal(4, e.CardNumber);
        Assert.Contains("should be an integer", e.Message);
    }

    [Fact]
    public void Lowercase_keywords_and_control_characters_are_repaired_leniently()
    {
        var path = FileOf("sloppy.fits", ImageCards(16, "object  = 'M31'", "NOTE    = 'tab\there'"), new byte[80]);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Equal(6, e.CardNumber);

        using var fits = FitsFile.Open(path, FitsReadOptions.Lenient);
        Assert.Equal("M31", fits.Primary.Header.GetString("OBJECT"));
        Assert.Equal("tab here", fits.Primary.Header.GetString("NOTE"));
        Assert.Equal(2, fits.Fixes.Count);
    }

    [Fact]
    public void Not_a_fits_file_is_refused_clearly()
    {
        var path = Path.Combine(_dir, "text.fits");
        File.WriteAllText(path, "this is not a FITS file\n" + new string('x', 3000));
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Contains("Not a FITS file", e.Message);

        var empty = Path.Combine(_dir, "empty.fits");
        File.WriteAllBytes(empty, []);
        Assert.Throws<FitsFormatException>(() => FitsFile.Open(empty));
    }

    [Fact]
    public void Garbage_after_the_last_hdu_is_reported()
    {
        var good = FileOf("good.fits", ImageCards(16), new byte[80]);
        var path = Path.Combine(_dir, "garbage.fits");
        File.WriteAllBytes(path, [.. File.ReadAllBytes(good), .. Encoding.ASCII.GetBytes("GARBAGE GARBAGE")]);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(path));
        Assert.Equal(5760, e.ByteOffset);
        using var fits = FitsFile.Open(path, FitsReadOptions.Lenient);
        Assert.Single(fits.Hdus);
        Assert.Single(fits.Fixes);
    }

    [Fact]
    public void Corrupt_gzip_is_a_format_error()
    {
        var good = FileOf("good.fits", ImageCards(16), new byte[80]);
        var gz = Path.Combine(_dir, "bad.fits.gz");
        using (var output = File.Create(gz))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(File.ReadAllBytes(good));
        var bytes = File.ReadAllBytes(gz);
        for (var i = 20; i < bytes.Length - 8; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(gz, bytes);
        Assert.Throws<FitsFormatException>(() => FitsFile.Open(gz));
    }

    [Fact]
    public void Bad_tform_is_named()
    {
        var path = FileOf("tform.fits", ["SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    0", "END"]);
        var ext = FileOf("ext.fits", ["XTENSION= 'BINTABLE'", "BITPIX  =                    8", "NAXIS   =                    2",
            "NAXIS1  =                    4", "NAXIS2  =                    1", "PCOUNT  =                    0", "GCOUNT  =                    1",
            "TFIELDS =                    1", "TFORM1  = '4Z      '", "END"], new byte[4]);
        var combined = Path.Combine(_dir, "combined.fits");
        File.WriteAllBytes(combined, [.. File.ReadAllBytes(path), .. File.ReadAllBytes(ext)]);
        var e = Assert.Throws<FitsFormatException>(() => FitsFile.Open(combined));
        Assert.Equal("TFORM1", e.Keyword);
        Assert.Contains("'4Z'", e.Message);
    }

    [Fact]
    public void Random_corruption_never_crashes()
    {
        // Flip bytes all over a real file (the ALMA cube's header and a table): every outcome is either a
        // successful read or a FitsFormatException, in strict and lenient modes.
        var rng = new Random(1234);
        var sources = new[] { File.ReadAllBytes(TestData.AlmaCube).AsSpan(0, 2880 * 4 + 4000).ToArray(), TableBytes() };
        var outcomes = new Dictionary<string, int>();
        for (var trial = 0; trial < 600; trial++)
        {
            var bytes = (byte[])sources[trial % 2].Clone();
            var headerEnd = Math.Min(bytes.Length, trial % 2 == 0 ? 2880 * 4 : 2880 * 2);
            for (var k = 0; k < 1 + trial % 4; k++)
            {
                var at = rng.Next(headerEnd);
                const string alphabet = "0123456789 =-'/.ETFXABCDIJKPQ()\0\n";
                bytes[at] = (byte)alphabet[rng.Next(alphabet.Length)];
            }
            if (trial % 7 == 0) bytes = bytes[..rng.Next(bytes.Length)];
            var path = Path.Combine(_dir, $"fuzz{trial % 4}.fits");
            File.WriteAllBytes(path, bytes);
            foreach (var options in new[] { FitsReadOptions.Strict, FitsReadOptions.Lenient })
            {
                try
                {
                    using var fits = FitsFile.Open(path, options);
                    foreach (var hdu in fits.Hdus)
                    {
                        if (hdu is ImageHdu { PlaneCount: > 0, PlaneLength: < 100000 } image) image.ReadPlane(0);
                        if (hdu is BinaryTableHdu table && table.RowCount > 0) table.ReadRows(0, 1);
                        try { Wcs.FromHeader(hdu.Header); } catch (FitsFormatException) { } catch (NotSupportedException) { }
                    }
                    outcomes["read"] = outcomes.GetValueOrDefault("read") + 1;
                }
                catch (FitsFormatException)
                {
                    outcomes["format error"] = outcomes.GetValueOrDefault("format error") + 1;
                }
            }
        }
        Assert.True(outcomes.GetValueOrDefault("format error") > 0 && outcomes.GetValueOrDefault("read") > 0,
            string.Join(", ", outcomes.Select(kv => $"{kv.Key}: {kv.Value}")));
    }

    private byte[] TableBytes()
    {
        var path = Path.Combine(_dir, "fuzz-table.fits");
        using (var writer = FitsWriter.Create(path))
            writer.WriteBinaryTable([new("a", new[] { 1.0, 2.0 }), new("b", new[] { "x", "yy" }),
                new("v", new Array[] { new float[] { 1, 2 }, new float[] { 3 } })]);
        return File.ReadAllBytes(path);
    }
}
