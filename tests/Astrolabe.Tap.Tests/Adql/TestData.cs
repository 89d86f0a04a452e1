using Astrolabe.Sky;

namespace Astrolabe.Tap.Tests.Adql;

/// <summary>A small generated catalogue, loaded identically into SQLite and PostgreSQL, with the rows kept
/// in memory so the tests compute expected answers in C#.</summary>
internal sealed class TestData
{
    public sealed record Star(long Id, double Ra, double Dec, double Gmag, double Rmag, double? Bmag, double Pmra, double Pmdec,
        double Parallax, string Class, string? Name, int Flags, DateTime ObsTime)
    {
        public long Healpix => Astrolabe.Sky.Healpix.AngToPix(TestCatalog.StarsOrder, Ra, Dec);
    }

    public sealed record Galaxy(long Id, double Ra, double Dec, double Redshift, string Morph, long? StarId)
    {
        public long Healpix => Astrolabe.Sky.Healpix.AngToPix(TestCatalog.GalaxiesOrder, Ra, Dec);
    }

    public sealed record Field(int FieldId, string Name, string Center, string Footprint, string Outline);

    public sealed record Upload(long Id, double Ra, double Dec);

    public List<Star> Stars { get; } = [];
    public List<Galaxy> Galaxies { get; } = [];
    public List<Field> Fields { get; } = [];
    public List<Upload> Mine { get; } = [];

    public static TestData Generate()
    {
        var data = new TestData();
        var random = new Random(20261121);
        string[] classes = ["star", "galaxy", "qso"];
        for (int i = 1; i <= 4000; i++)
        {
            var (ra, dec) = (i % 4) switch
            {
                0 => Around(random, 10, 20, 1.5),
                1 => Around(random, 359.9, -0.1, 0.6),
                2 => Around(random, 0, 90, 3),
                _ => (random.NextDouble() * 360, Math.Asin(random.NextDouble() * 2 - 1) * 180 / Math.PI),
            };
            // Stored as REAL (float) in both backends, so keep exactly the float value.
            double gmag = (float)(8 + 12 * random.NextDouble());
            string? name = (i % 7) switch { 0 => null, 1 => "HD " + i, 2 => "hd " + i, _ => "Gaia " + i };
            data.Stars.Add(new Star(i, ra, dec, gmag, gmag - 0.5 + random.NextDouble(), i % 5 == 0 ? null : gmag + 0.7,
                random.NextDouble() * 40 - 20, random.NextDouble() * 40 - 20, random.NextDouble() * 10,
                classes[i % 3], name, i % 16, new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i * 7)));
        }
        string[] morphs = ["E", "S0", "Sa", "Sb"];
        for (int i = 0; i < 400; i++)
        {
            var (ra, dec) = i % 2 == 0 ? Around(random, 10, 20, 4) : (random.NextDouble() * 360, random.NextDouble() * 180 - 90);
            data.Galaxies.Add(new Galaxy(1_000_000 + i, ra, dec, random.NextDouble() * 0.5, morphs[i % 4],
                i % 3 == 0 ? null : (i * 7) % 300 + 1));
        }
        data.Fields.Add(new Field(1, "north", "10 20", "10 20 2", "9 19 11 19 11 21 9 21"));
        data.Fields.Add(new Field(2, "pole", "25 85", "25 85 3", "10 80 40 80 25 86"));
        data.Fields.Add(new Field(3, "wrap", "359.5 -0.5", "359.5 -0.5 1", "359 -1 0.5 -1 0.5 0.5 359 0.5"));
        data.Fields.Add(new Field(4, "far", "200 -60", "200 -60 0.5", "199 -61 201 -61 201 -59 199 -59"));
        for (int i = 0; i < 60; i++)
        {
            var s = data.Stars[i * 3];
            data.Mine.Add(i % 2 == 0 ? new Upload(s.Id, s.Ra, s.Dec) : new Upload(s.Id, s.Ra + 0.001, s.Dec));
        }
        return data;
    }

    private static (double Ra, double Dec) Around(Random random, double ra, double dec, double maxDeg)
    {
        double d = maxDeg * Math.Sqrt(random.NextDouble()) * Math.PI / 180;
        double bearing = random.NextDouble() * 2 * Math.PI;
        double phi1 = dec * Math.PI / 180, lambda1 = ra * Math.PI / 180;
        double phi2 = Math.Asin(Math.Clamp(Math.Sin(phi1) * Math.Cos(d) + Math.Cos(phi1) * Math.Sin(d) * Math.Cos(bearing), -1, 1));
        double lambda2 = lambda1 + Math.Atan2(Math.Sin(bearing) * Math.Sin(d) * Math.Cos(phi1), Math.Cos(d) - Math.Sin(phi1) * Math.Sin(phi2));
        double raOut = (lambda2 * 180 / Math.PI) % 360;
        if (raOut < 0)
        {
            raOut += 360;
        }
        return (raOut, phi2 * 180 / Math.PI);
    }
}
