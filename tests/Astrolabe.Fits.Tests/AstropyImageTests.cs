namespace Astrolabe.Fits.Tests;

/// <summary>Image files written by astropy (Scripts/make_images.py), read by us, compared with astropy's reading.</summary>
public sealed class AstropyImagesFixture : IDisposable
{
    public AstropyImagesFixture()
    {
        Directory = TestData.NewTempDirectory();
        Files = Python.Run("make_images.py", Directory).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        AstropyReading = Astropy.DumpMany(Files.Select(PathOf).ToArray());
    }

    /// <summary>astropy's reading of every file, by path.</summary>
    internal Dictionary<string, List<AstropyHdu>> AstropyReading { get; }

    public string Directory { get; }

    public string[] Files { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    public void Dispose() => TestData.DeleteDirectory(Directory);
}

public sealed class AstropyImageTests(AstropyImagesFixture fixture) : IClassFixture<AstropyImagesFixture>
{
    public static TheoryData<string> Files() => new(
        "bitpix8.fits", "bitpix16.fits", "bitpix32.fits", "bitpix64.fits", "bitpix-32.fits", "bitpix-64.fits",
        "uint16.fits", "uint32.fits", "int8.fits", "uint64.fits",
        "scaled16_blank.fits", "scaled32_blank.fits", "scaled8_blank.fits", "scaled_float.fits",
        "extensions.fits", "conventions.fits", "compressed.fits.gz", "checksum.fits");

    [Theory]
    [MemberData(nameof(Files))]
    public void Headers_and_pixels_read_as_astropy_reads_them(string name)
    {
        var path = fixture.PathOf(name);
        Assert.Contains(name, fixture.Files);
        var expected = fixture.AstropyReading[path];
        using var fits = FitsFile.Open(path);
        Assert.Equal(expected.Count, fits.Hdus.Count);
        foreach (var hdu in expected)
        {
            var ours = fits.Hdus[hdu.Index];
            Astropy.AssertSameCards(hdu.Cards, ours.Header);
            if (hdu.Data is null) continue;
            var image = Assert.IsType<ImageHdu>(ours);

            // astropy scales a BITPIX -32 image in single-precision arithmetic (two roundings), we in double
            // (one rounding): there the two may differ by one float ulp. Everywhere else: identical.
            var tolerance = hdu.DataType == "float32" && image.BScale != 1.0 ? 1.2e-7 : 0.0;
            var doubles = image.ReadAllDouble();
            if (hdu.DataType == "float32") doubles = doubles.Select(v => (double)(float)v).ToArray();
            Astropy.AssertSamePixels(hdu.Data, doubles, $"{name} HDU {hdu.Index} (double)", tolerance, Math.Abs(image.BZero));

            // Single precision, plane by plane.
            var plane = new float[image.PlaneLength];
            var asFloat = new double[image.PixelCount];
            for (var k = 0; k < image.PlaneCount; k++)
            {
                image.ReadPlane(k, plane);
                for (var i = 0; i < plane.Length; i++) asFloat[k * plane.Length + i] = plane[i];
            }
            var expectedFloat = hdu.Data.Select(v => (double)(float)v).ToArray();
            Astropy.AssertSamePixels(expectedFloat, asFloat, $"{name} HDU {hdu.Index} (float planes)", tolerance, Math.Abs(image.BZero));
        }
    }

    [Fact]
    public void Blank_values_read_as_nan_and_raw_values_stay_available()
    {
        using var fits = FitsFile.Open(fixture.PathOf("scaled16_blank.fits"));
        var image = (ImageHdu)fits.Primary;
        Assert.Equal(-32768, image.Blank);
        var pixels = image.ReadAll();
        Assert.True(float.IsNaN(pixels[0]));
        var raw = new long[1];
        image.ReadRawPixels(0, raw);
        Assert.Equal(-32768, raw[0]);
    }

    [Fact]
    public void Unsigned_64_bit_values_are_exact_through_raw_reads()
    {
        using var fits = FitsFile.Open(fixture.PathOf("uint64.fits"));
        var image = (ImageHdu)fits.Primary;
        Assert.Equal(9223372036854775808.0, image.BZero);
        var raw = new long[image.PixelCount];
        image.ReadRawPixels(0, raw);
        var physical = image.ReadAllDouble();
        for (var i = 0; i < raw.Length; i++)
            Assert.Equal((double)(ulong)(raw[i] ^ long.MinValue), physical[i]);
    }

    [Fact]
    public void Extensions_are_found_by_name()
    {
        using var fits = FitsFile.Open(fixture.PathOf("extensions.fits"));
        Assert.Equal(4, fits.Hdus.Count);
        Assert.Equal("IMAGE", fits["DQ"]!.ExtensionType);
        Assert.Same(fits.Hdus[1], fits.FirstImage);
        var spectrum = Assert.IsType<ImageHdu>(fits["spectrum"]);
        Assert.Equal(1, spectrum.NAxis);
        Assert.Equal(11, spectrum.PlaneLength);
        Assert.Equal(1, spectrum.PlaneCount);
        Assert.Equal(10.0f, spectrum.ReadPlane(0)[10]);
    }

    [Fact]
    public void Long_strings_hierarch_and_commentary_are_read()
    {
        using var fits = FitsFile.Open(fixture.PathOf("conventions.fits"));
        var h = fits.Primary.Header;
        Assert.EndsWith("it has got a few words inside, and ends here.", h.GetString("LONGSTR"));
        Assert.Equal(4, h["LONGSTR"]!.PhysicalCount);
        Assert.Equal(-120.5, h.GetDouble("HIERARCH ESO DET CHIP TEMP"));
        Assert.Equal(-120.5, h.GetDouble("ESO DET CHIP TEMP"));
        Assert.True(h["ESO OBS NAME"]!.IsHierarch);
        Assert.Equal("it's", h.GetString("QUOTED"));
        Assert.Equal("  leading blanks", h.GetString("LEADING"));
        Assert.Equal(1234567890123L, h.GetLong("BIGINT"));
        Assert.Equal(CardValueKind.Undefined, h["UNDEF"]!.Kind);
        Assert.Equal(["First history line.", "Second history line, rather longer than the others, long enough to need", "wrapping onto more cards."],
            h.History.Select(s => s.TrimEnd()).ToArray());
    }

    [Fact]
    public void Checksums_written_by_astropy_verify_and_a_changed_byte_is_caught()
    {
        using (var fits = FitsFile.Open(fixture.PathOf("checksum.fits")))
        {
            Assert.All(fits.Hdus, hdu => Assert.True(hdu.VerifyChecksum()));
        }
        using (var plain = FitsFile.Open(fixture.PathOf("bitpix16.fits")))
            Assert.Null(plain.Primary.VerifyChecksum());

        var damaged = fixture.PathOf("checksum-damaged.fits");
        var bytes = File.ReadAllBytes(fixture.PathOf("checksum.fits"));
        using (var fits = FitsFile.Open(fixture.PathOf("checksum.fits")))
            bytes[fits.Hdus[1].DataOffset + 3] ^= 0x01;
        File.WriteAllBytes(damaged, bytes);
        using var broken = FitsFile.Open(damaged);
        Assert.True(broken.Hdus[0].VerifyChecksum());
        Assert.False(broken.Hdus[1].VerifyChecksum());
    }

    [Fact]
    public void Gzip_is_decompressed_to_an_unlinked_file_in_the_chosen_directory()
    {
        var temp = Path.Combine(fixture.Directory, "decompress-here");
        Directory.CreateDirectory(temp);
        using var fits = FitsFile.Open(fixture.PathOf("compressed.fits.gz"), new FitsReadOptions { TemporaryDirectory = temp });
        Assert.Equal(4, ((ImageHdu)fits.Primary).PlaneCount);
        Assert.Empty(Directory.GetFiles(temp)); // unlinked at once: nothing to clean up, even after a crash
        Assert.Equal(90, ((ImageHdu)fits.Primary).ReadPlane(3).Length);
    }

    [Fact]
    public async Task Async_plane_reads_match_sync_reads()
    {
        using var fits = FitsFile.Open(fixture.PathOf("scaled16_blank.fits"));
        var image = (ImageHdu)fits.Primary;
        for (var k = 0; k < image.PlaneCount; k++)
        {
            var plane = new float[image.PlaneLength];
            await image.ReadPlaneAsync(k, plane);
            Assert.Equal(image.ReadPlane(k), plane);
        }
    }

    [Fact]
    public void Parallel_plane_reads_give_the_same_pixels()
    {
        using var fits = FitsFile.Open(fixture.PathOf("compressed.fits.gz"));
        var image = (ImageHdu)fits.Primary;
        var sequential = Enumerable.Range(0, (int)image.PlaneCount).Select(k => image.ReadPlane(k)).ToArray();
        var parallel = new float[image.PlaneCount][];
        Parallel.For(0, (int)image.PlaneCount, k => parallel[k] = image.ReadPlane(k));
        for (var k = 0; k < sequential.Length; k++) Assert.Equal(sequential[k], parallel[k]);
    }
}
