namespace Astrolabe.Fits.Tests;

/// <summary>Files we write, read back by astropy (and by us).</summary>
public sealed class WriterTests : IDisposable
{
    private readonly string _dir = TestData.NewTempDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dir);

    private static double[] Values(int n, double scale, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Math.Round((rng.NextDouble() - 0.5) * scale)).ToArray();
    }

    [Theory]
    [InlineData(8, 200.0)]
    [InlineData(16, 60000.0)]
    [InlineData(32, 4e9)]
    [InlineData(64, 1e15)]
    [InlineData(-32, 1e6)]
    [InlineData(-64, 1e12)]
    public void Every_bitpix_reads_back_identically_in_astropy(int bitpix, double range)
    {
        var values = Values(4 * 5 * 3, range, bitpix + 100);
        if (bitpix == 8) values = values.Select(v => v + 100).ToArray();
        if (bitpix < 0) values[7] = double.NaN;
        var path = Path.Combine(_dir, $"ours{bitpix}.fits");
        var cards = new Header();
        cards.Set("OBJECT", "test pattern", "what this is");
        using (var writer = FitsWriter.Create(path))
            writer.WriteImage(values, [4, 5, 3], cards, bitpix);

        var astropy = Astropy.Dump(path);
        Assert.Single(astropy);
        Astropy.AssertSamePixels(bitpix == -32 ? values.Select(v => (double)(float)v).ToArray() : values, astropy[0].Data!, $"BITPIX {bitpix}");
        using var fits = FitsFile.Open(path);
        Astropy.AssertSameCards(astropy[0].Cards, fits.Primary.Header);
        Assert.Equal("test pattern", fits.Primary.Header.GetString("OBJECT"));
    }

    [Fact]
    public void Scaled_integers_with_blank_store_nan_as_blank()
    {
        var values = new[] { 100.0, 100.25, double.NaN, 350.5, -12.0, 0.0 };
        var cards = new Header();
        cards.Set("BSCALE", 0.25);
        cards.Set("BZERO", 100.0);
        cards.Set("BLANK", -32768L);
        var path = Path.Combine(_dir, "scaled.fits");
        using (var writer = FitsWriter.Create(path))
            writer.WriteImage(values, [3, 2], cards, 16);

        var astropy = Astropy.Dump(path)[0].Data!;
        Astropy.AssertSamePixels(values, astropy, "scaled BITPIX 16");
        using var fits = FitsFile.Open(path);
        var raw = new long[6];
        ((ImageHdu)fits.Primary).ReadRawPixels(0, raw);
        Assert.Equal([0L, 1, -32768, 1002, -448, -400], raw);
    }

    [Fact]
    public void Nan_in_an_integer_image_without_blank_is_refused()
    {
        var path = Path.Combine(_dir, "noblank.fits");
        using var writer = FitsWriter.Create(path);
        using var image = writer.BeginImage(16, [2]);
        var e = Assert.Throws<ArgumentException>(() => image.Write(new[] { 1.0, double.NaN }));
        Assert.Contains("Pixel 1 is NaN", e.Message);
    }

    [Fact]
    public void A_cube_written_plane_by_plane_and_gzipped_reads_in_astropy()
    {
        var path = Path.Combine(_dir, "cube.fits.gz");
        var planes = Enumerable.Range(0, 6).Select(k => Values(8 * 7, 1000, k).Select(v => (float)(v / 7)).ToArray()).ToArray();
        using (var writer = FitsWriter.Create(path))
        using (var image = writer.BeginImage(-32, [8, 7, 6, 1]))
            foreach (var plane in planes) image.Write(plane);

        var astropy = Astropy.Dump(path)[0].Data!;
        Astropy.AssertSamePixels(planes.SelectMany(p => p).Select(v => (double)v).ToArray(), astropy, "gzipped cube");
        using var fits = FitsFile.Open(path);
        var ours = (ImageHdu)fits.Primary;
        Assert.Equal(6, ours.PlaneCount);
        Assert.Equal(planes[5], ours.ReadPlane(5));
    }

    [Fact]
    public void Header_conventions_we_write_are_read_by_astropy()
    {
        var longText = string.Concat(Enumerable.Repeat("a long value with 'quotes' & ampersands; ", 6)).TrimEnd();
        var cards = new Header();
        cards.Set("LONGSTR", longText, "long comment");
        cards.Set("ESO DET CHIP TEMP", -120.5, "HIERARCH card");
        cards.Set("TRUTH", true);
        cards.Set("SMALL", 1.0e-300);
        cards.Set("INTEGER", -42L);
        cards.Set("EMPTY", "");
        cards.AddComment("a comment");
        cards.AddHistory(new string('h', 100));
        var path = Path.Combine(_dir, "conventions.fits");
        using (var writer = FitsWriter.Create(path))
            writer.WriteImage(new float[] { 1, 2 }, [2], cards);

        using var fits = FitsFile.Open(path);
        var h = fits.Primary.Header;
        Assert.Equal(longText, h.GetString("LONGSTR"));
        Assert.True(h["LONGSTR"]!.PhysicalCount > 1);
        Assert.Equal(-120.5, h.GetDouble("HIERARCH ESO DET CHIP TEMP"));
        Assert.Equal(1.0e-300, h.GetDouble("SMALL"));

        // astropy agrees on every card (it misreads doubled quotes on CONTINUE cards, so that card is checked
        // without quotes in a second file below).
        var astropy = Astropy.Dump(path)[0];
        var astropyLong = astropy.Cards.EnumerateArray().First(c => c.GetProperty("keyword").GetString() == "LONGSTR");
        Assert.StartsWith("a long value with 'quotes'", astropyLong.GetProperty("value").GetString());
        var temp = astropy.Cards.EnumerateArray().First(c => c.GetProperty("keyword").GetString() == "ESO DET CHIP TEMP");
        Assert.Equal("-120.5", temp.GetProperty("value").GetString());

        var plain = Path.Combine(_dir, "conventions-plain.fits");
        cards.Set("LONGSTR", longText.Replace("'", ""), "long comment");
        using (var writer = FitsWriter.Create(plain))
            writer.WriteImage(new float[] { 1, 2 }, [2], cards);
        using var plainFits = FitsFile.Open(plain);
        Astropy.AssertSameCards(Astropy.Dump(plain)[0].Cards, plainFits.Primary.Header);
    }

    [Fact]
    public void Checksums_we_write_verify_in_astropy_and_here()
    {
        var path = Path.Combine(_dir, "checksums.fits");
        using (var writer = FitsWriter.Create(path, checksums: true))
        {
            var cards = new Header();
            cards.Set("OBJECT", "checksummed");
            writer.WriteImage(Values(7 * 5, 1000, 3).Select(v => (float)v).ToArray(), [7, 5], cards);
            writer.WriteBinaryTable([new("x", new[] { 1.5, 2.5, 3.5 }), new("name", new[] { "a", "bcd", "ef" }),
                new("v", new Array[] { new short[] { 1 }, new short[] { 2, 3 }, new short[0] })]);
            writer.WriteAsciiTable([new("id", new long[] { 7, 8 }), new("label", new[] { "x", "yz" })]);
        }
        var astropy = Python.RunJson("verify_checksums.py", path);
        foreach (var hdu in astropy.GetProperty("hdus").EnumerateArray())
        {
            Assert.Equal(1, hdu[0].GetInt32());
            Assert.Equal(1, hdu[1].GetInt32());
        }
        Assert.Empty(astropy.GetProperty("warnings").EnumerateArray());
        using var fits = FitsFile.Open(path);
        Assert.Equal(3, fits.Hdus.Count);
        Assert.All(fits.Hdus, hdu => Assert.True(hdu.VerifyChecksum()));
        Assert.Throws<NotSupportedException>(() => FitsWriter.Create(Path.Combine(_dir, "x.fits.gz"), checksums: true));
    }

    [Fact]
    public void Image_extensions_follow_the_primary()
    {
        var path = Path.Combine(_dir, "mef.fits");
        using (var writer = FitsWriter.Create(path))
        {
            writer.WriteEmptyPrimary();
            var sci = new Header();
            sci.Set("EXTNAME", "SCI");
            writer.WriteImage(new float[] { 1, 2, 3, 4 }, [2, 2], sci);
            var err = new Header();
            err.Set("EXTNAME", "ERR");
            writer.WriteImage(new double[] { 0.5, 0.25 }, [2], err);
        }
        var astropy = Astropy.Dump(path);
        Assert.Equal(3, astropy.Count);
        Assert.Equal("ImageHDU", astropy[1].Type);
        Assert.Equal([1.0, 2, 3, 4], astropy[1].Data!);
        Assert.Equal([0.5, 0.25], astropy[2].Data!);
        using var fits = FitsFile.Open(path);
        Assert.Equal("ERR", fits.Hdus[2].Name);
    }
}
