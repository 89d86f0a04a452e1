using System.Diagnostics;
using System.Globalization;
using Astrolabe.Sky;

namespace Astrolabe.Sky.Tests;

public class HealpixTests
{
    private static (double Ra, double Dec)[] RandomPositions(int count, int seed)
    {
        var random = new Random(seed);
        var positions = new (double, double)[count];
        for (int i = 0; i < count; i++)
        {
            // Uniform on the sphere, plus a share very near the poles and the ring boundaries (|z| = 2/3).
            double z = (i % 10) switch
            {
                0 => 1 - random.NextDouble() * 1e-6,
                1 => -1 + random.NextDouble() * 1e-6,
                2 => 2.0 / 3.0 + (random.NextDouble() - 0.5) * 1e-9,
                _ => random.NextDouble() * 2 - 1,
            };
            positions[i] = (random.NextDouble() * 360, Math.Asin(z) * 180 / Math.PI);
        }
        return positions;
    }

    private static string RunPython(string script, string input)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "healpy failed: " + stderr.Result);
        return stdout.Result;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(14)]
    [InlineData(20)]
    [InlineData(29)]
    public void AngToPix_matches_healpy_nested(int order)
    {
        var positions = RandomPositions(2000, 42 + order);
        var input = string.Join('\n', positions.Select(p =>
            p.Ra.ToString("R", CultureInfo.InvariantCulture) + " " + p.Dec.ToString("R", CultureInfo.InvariantCulture)));
        var output = RunPython(
            "import sys, numpy as np, healpy as hp\n" +
            "a = np.loadtxt(sys.stdin, ndmin=2)\n" +
            $"p = hp.ang2pix(2**{order}, a[:,0], a[:,1], nest=True, lonlat=True)\n" +
            "print('\\n'.join(str(int(x)) for x in p))\n", input);
        var expected = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        Assert.Equal(positions.Length, expected.Length);
        int mismatches = 0;
        string? first = null;
        for (int i = 0; i < positions.Length; i++)
        {
            long ours = Healpix.AngToPix(order, positions[i].Ra, positions[i].Dec);
            if (ours != expected[i])
            {
                mismatches++;
                first ??= $"({positions[i].Ra}, {positions[i].Dec}): ours {ours}, healpy {expected[i]}";
            }
        }
        Assert.True(mismatches == 0, $"{mismatches} of {positions.Length} differ from healpy, first {first}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(12)]
    public void PixToAng_matches_healpy_pixel_centres(int order)
    {
        var random = new Random(order);
        long count = Healpix.PixelCount(order);
        var pixels = Enumerable.Range(0, 500).Select(_ => (long)(random.NextDouble() * count)).ToArray();
        var output = RunPython(
            "import sys, numpy as np, healpy as hp\n" +
            "p = np.loadtxt(sys.stdin, dtype=np.int64, ndmin=1)\n" +
            $"ra, dec = hp.pix2ang(2**{order}, p, nest=True, lonlat=True)\n" +
            "print('\\n'.join('%r %r' % (float(x), float(y)) for x, y in zip(ra, dec)))\n",
            string.Join('\n', pixels));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < pixels.Length; i++)
        {
            var parts = lines[i].Split(' ');
            double ra = double.Parse(parts[0], CultureInfo.InvariantCulture);
            double dec = double.Parse(parts[1], CultureInfo.InvariantCulture);
            var ours = Healpix.PixToAng(order, pixels[i]);
            Assert.True(SphericalGeometry.Distance(ra, dec, ours.RaDeg, ours.DecDeg) < 1e-9,
                $"pixel {pixels[i]}: ours ({ours.RaDeg}, {ours.DecDeg}), healpy ({ra}, {dec})");
        }
    }

    [Theory]
    [InlineData(10, 10.0, 20.0, 0.5)]
    [InlineData(10, 0.1, 89.9, 0.3)]
    [InlineData(8, 359.9, -45.0, 2.0)]
    [InlineData(12, 180.0, 41.8, 0.05)]
    [InlineData(6, 45.0, 0.0, 30.0)]
    [InlineData(14, 270.0, -89.99, 0.01)]
    public void ConeRanges_never_miss_a_point_inside_the_cone(int order, double ra, double dec, double radius)
    {
        var ranges = Healpix.ConeRanges(order, ra, dec, radius);
        var random = new Random(7);
        var center = Vector3.FromRaDec(ra, dec);
        int inside = 0;
        for (int i = 0; i < 20000; i++)
        {
            // Points spread over a cap of 1.2 × radius, concentrated near the boundary where a miss would show.
            double r = radius * (i % 2 == 0 ? Math.Sqrt(random.NextDouble()) * 1.2 : 1 - random.NextDouble() * 1e-3);
            double angle = random.NextDouble() * 2 * Math.PI;
            var p = Offset(ra, dec, r, angle);
            if (SphericalGeometry.Distance(ra, dec, p.RaDeg, p.DecDeg) > radius)
            {
                continue;
            }
            inside++;
            long pixel = Healpix.AngToPix(order, p.RaDeg, p.DecDeg);
            Assert.True(ranges.Any(x => x.First <= pixel && pixel <= x.Last),
                $"point ({p.RaDeg}, {p.DecDeg}) at {SphericalGeometry.Distance(ra, dec, p.RaDeg, p.DecDeg)}° in pixel {pixel} is not covered");
        }
        Assert.True(inside > 5000);
        Assert.InRange(ranges.Count, 1, 200);
        _ = center;
    }

    [Fact]
    public void ConeRanges_of_a_small_cone_cover_little_more_than_the_cone()
    {
        const int order = 12;
        var ranges = Healpix.ConeRanges(order, 123.4, -12.3, 0.5);
        double pixelArea = 41252.96 / Healpix.PixelCount(order);
        double covered = ranges.Sum(r => (double)(r.Last - r.First + 1)) * pixelArea;
        double cone = SphericalGeometry.CircleArea(0.5);
        Assert.True(covered >= cone, $"covered {covered} deg² < cone {cone} deg²");
        Assert.True(covered < 4 * cone, $"covered {covered} deg² for a cone of {cone} deg²");
    }

    [Fact]
    public void PixToAng_centre_maps_back_to_the_same_pixel()
    {
        for (int order = 0; order <= 6; order++)
        {
            for (long p = 0; p < Healpix.PixelCount(order); p += 7)
            {
                var c = Healpix.PixToAng(order, p);
                Assert.Equal(p, Healpix.AngToPix(order, c.RaDeg, c.DecDeg));
            }
        }
    }

    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(10, 90.5)]
    [InlineData(10, double.NaN)]
    [InlineData(double.PositiveInfinity, 0)]
    public void AngToPix_refuses_what_is_not_a_position(double ra, double dec) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Healpix.AngToPix(8, ra, dec));

    [Fact]
    public void AngToPix_takes_any_ra_and_wraps_it()
    {
        Assert.Equal(Healpix.AngToPix(10, 10, 20), Healpix.AngToPix(10, 370, 20));
        Assert.Equal(Healpix.AngToPix(10, 350, 20), Healpix.AngToPix(10, -10, 20));
    }

    private static SkyPoint Offset(double ra, double dec, double distanceDeg, double bearing)
    {
        double d = distanceDeg * Math.PI / 180, phi1 = dec * Math.PI / 180, lambda1 = ra * Math.PI / 180;
        double phi2 = Math.Asin(Math.Sin(phi1) * Math.Cos(d) + Math.Cos(phi1) * Math.Sin(d) * Math.Cos(bearing));
        double lambda2 = lambda1 + Math.Atan2(Math.Sin(bearing) * Math.Sin(d) * Math.Cos(phi1),
            Math.Cos(d) - Math.Sin(phi1) * Math.Sin(phi2));
        double raOut = (lambda2 * 180 / Math.PI) % 360;
        if (raOut < 0)
        {
            raOut += 360;
        }
        return new SkyPoint(raOut, phi2 * 180 / Math.PI);
    }
}
