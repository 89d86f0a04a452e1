namespace Astrolabe.Fits.Tests;

/// <summary>ICRS, FK5 J2000 and Galactic conversions against astropy.coordinates (Scripts/frames.py).</summary>
public sealed class FrameConversionTests
{
    [Fact]
    public void Conversions_agree_with_astropy_to_a_nanodegree()
    {
        var json = Python.RunJson("frames.py");
        var lon = json.GetProperty("lon").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var lat = json.GetProperty("lat").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var frames = new[] { ("icrs", CelestialFrame.Icrs), ("fk5", CelestialFrame.Fk5), ("galactic", CelestialFrame.Galactic) };
        var compared = 0;
        foreach (var (fromName, from) in frames)
            foreach (var (toName, to) in frames)
            {
                if (from == to) continue;
                var expected = json.GetProperty($"{fromName}->{toName}");
                var eLon = expected[0].EnumerateArray().Select(e => e.GetDouble()).ToArray();
                var eLat = expected[1].EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (var i = 0; i < lon.Length; i++)
                {
                    var (l, b) = FrameConversion.Convert(lon[i], lat[i], from, to);
                    var dLon = Math.Abs(Math.IEEERemainder(l - eLon[i], 360)) * Math.Cos(eLat[i] * Math.PI / 180);
                    Assert.True(dLon < 1e-9 && Math.Abs(b - eLat[i]) < 1e-9,
                        $"{fromName}->{toName} ({lon[i]}, {lat[i]}): ({l:R}, {b:R}) vs astropy ({eLon[i]:R}, {eLat[i]:R})");
                    compared++;
                }
            }
        Assert.Equal(6 * 13 * 9, compared);
    }

    [Fact]
    public void Galactic_centre_is_where_the_iau_put_it()
    {
        var (ra, dec) = FrameConversion.Convert(0, 0, CelestialFrame.Galactic, CelestialFrame.Fk5);
        Assert.Equal(266.405, ra, 3);
        Assert.Equal(-28.936, dec, 3);
    }
}
