namespace Astrolabe.Fits.Tests;

/// <summary>The real ALMA cube (old CASA PC00i00j cards, degenerate Stokes axis) read as astropy reads it.</summary>
public sealed class AlmaCubeTests : IDisposable
{
    private readonly string _path = TestData.AlmaCube;
    private readonly string _dir = TestData.NewTempDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dir);

    [Fact]
    public void Header_cards_match_astropy()
    {
        var copy = Path.Combine(_dir, "alma.fits");
        File.Copy(_path, copy);
        var astropy = Astropy.Dump(copy);

        using var fits = FitsFile.Open(_path);
        Assert.Single(fits.Hdus);
        Astropy.AssertSameCards(astropy[0].Cards, fits.Primary.Header);
    }

    [Fact]
    public void Every_plane_matches_astropy()
    {
        var copy = Path.Combine(_dir, "alma.fits");
        File.Copy(_path, copy);
        var expected = Astropy.Dump(copy)[0].Data!;

        using var fits = FitsFile.Open(_path);
        var image = Assert.IsType<ImageHdu>(fits.Primary);
        Assert.Equal([100L, 100L, 41L, 1L], image.Axes);
        Assert.Equal(41, image.PlaneCount);
        var actual = new double[image.PixelCount];
        var plane = new float[image.PlaneLength];
        for (var k = 0; k < image.PlaneCount; k++)
        {
            image.ReadPlane(k, plane);
            for (var i = 0; i < plane.Length; i++) actual[k * plane.Length + i] = plane[i];
        }
        Astropy.AssertSamePixels(expected, actual, "ALMA cube");
    }

    [Fact]
    public void A_plane_region_is_the_same_pixels_as_the_plane()
    {
        using var fits = FitsFile.Open(_path);
        var image = (ImageHdu)fits.Primary;
        var plane = image.ReadPlane(20);
        var region = new float[30 * 12];
        image.ReadPlaneRegion(20, 55, 40, 30, 12, region);
        for (var row = 0; row < 12; row++)
            for (var col = 0; col < 30; col++)
                Assert.Equal(plane[(40 + row) * 100 + 55 + col], region[row * 30 + col]);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.ReadPlaneRegion(20, 90, 0, 30, 1, region));
    }

    [Fact]
    public void Typed_lookups_read_the_casa_header()
    {
        using var fits = FitsFile.Open(_path);
        var h = fits.Primary.Header;
        Assert.Equal(-32, h.GetInt("BITPIX"));
        Assert.Equal("JY/BEAM", h.GetString("BUNIT"));
        Assert.Equal(2.297590000000E+11, h.GetDouble("RESTFRQ"));
        Assert.Equal(257, h.GetInt("VELREF"));
        Assert.Equal(1.0, h.GetDouble("PC003003"));
        Assert.Contains(h.History, line => line.Contains("applycal"));
        Assert.Contains(h.Comments, line => line.StartsWith("casacore non-standard usage"));
    }

    [Fact]
    public void Wcs_matches_astropy_on_a_pixel_grid()
    {
        var expected = Python.RunJson("wcs_grid.py", _path).GetProperty(_path);
        using var fits = FitsFile.Open(_path);
        var wcs = Wcs.FromHeader(fits.Primary.Header);
        Assert.Equal(0, wcs.LongitudeAxis);
        Assert.Equal(1, wcs.LatitudeAxis);
        Assert.Equal(2, wcs.SpectralAxis);
        Assert.Equal(CelestialFrame.Fk5, wcs.Frame);
        WcsComparison.AssertMatchesAstropy(wcs, expected);
    }
}
