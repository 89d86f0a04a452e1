using System.Text.Json;

namespace Astrolabe.Fits.Tests;

internal static class WcsComparison
{
    public const double CelestialToleranceDeg = 1e-9;
    public const double RelativeSpectralTolerance = 1e-6;
    public const double PixelTolerance = 1e-6;

    /// <summary>pixel→world agrees with astropy to 1e-9° (celestial) and 1e-6 relative (other axes); world→pixel back to 1e-6 pixel.</summary>
    public static void AssertMatchesAstropy(Wcs wcs, JsonElement expected)
    {
        var pixels = expected.GetProperty("pixel").EnumerateArray().ToList();
        var worlds = expected.GetProperty("world").EnumerateArray().ToList();
        var backs = expected.GetProperty("back").EnumerateArray().ToList();
        var n = wcs.NAxis;
        var world = new double[n];
        var pixel = new double[n];
        var compared = 0;
        for (var k = 0; k < pixels.Count; k++)
        {
            var p = pixels[k].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var w = worlds[k].EnumerateArray().Select(ReadNumber).ToArray();
            wcs.PixelToWorld(p, world);
            for (var i = 0; i < n; i++)
            {
                var where = $"pixel ({string.Join(", ", p)}) axis {i} ({wcs.CType[i]})";
                if (double.IsNaN(w[i]))
                {
                    Assert.True(double.IsNaN(world[i]), $"{where}: astropy gives NaN, we give {world[i]}");
                    continue;
                }
                Assert.False(double.IsNaN(world[i]), $"{where}: we give NaN, astropy {w[i]}");
                if (i == wcs.LongitudeAxis)
                {
                    var diff = Math.Abs(Math.IEEERemainder(world[i] - w[i], 360.0));
                    Assert.True(diff * Math.Cos(w[wcs.LatitudeAxis] * Math.PI / 180) <= CelestialToleranceDeg || diff <= CelestialToleranceDeg,
                        $"{where}: {world[i]:R} vs astropy {w[i]:R}");
                }
                else if (i == wcs.LatitudeAxis)
                    Assert.True(Math.Abs(world[i] - w[i]) <= CelestialToleranceDeg, $"{where}: {world[i]:R} vs astropy {w[i]:R}");
                else
                    Assert.True(Math.Abs(world[i] - w[i]) <= RelativeSpectralTolerance * Math.Max(Math.Abs(w[i]), 1e-300) || world[i] == w[i],
                        $"{where}: {world[i]:R} vs astropy {w[i]:R}");
                compared++;
            }

            if (w.Any(double.IsNaN)) continue;
            var back = backs[k].EnumerateArray().Select(ReadNumber).ToArray();
            wcs.WorldToPixel(w, pixel);
            for (var i = 0; i < n; i++)
                Assert.True(Math.Abs(pixel[i] - back[i]) <= PixelTolerance,
                    $"world→pixel at ({string.Join(", ", w)}) axis {i}: {pixel[i]:R} vs astropy {back[i]:R}");
        }
        Assert.True(compared > 0, "no world coordinates were compared");
    }

    private static double ReadNumber(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN;
}
