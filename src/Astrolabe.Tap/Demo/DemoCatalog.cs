using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;
using Astrolabe.Tap.Ingest;

namespace Astrolabe.Tap.Demo;

/// <summary>A generated all-sky catalogue of stars, galaxies and quasars with survey-like columns: positions,
/// ugriz magnitudes with errors that grow towards the faint limit, proper motions and parallaxes for stars,
/// redshifts for galaxies and quasars. The same seed gives the same rows.</summary>
internal sealed class DemoCatalog : ITableSource
{
    public const string Table = "demo.objects";
    public const int DefaultSeed = 20260401;

    private static readonly string[] Bands = ["u", "g", "r", "i", "z"];
    private readonly Random _random;
    private readonly long _count;
    private long _row;

    public DemoCatalog(long count, int seed = DefaultSeed)
    {
        _count = count;
        _random = new Random(seed);
    }

    public static TableMetadata Metadata => new()
    {
        Description = "Demonstration catalogue: generated stars, galaxies and quasars over the whole sky " +
                      "(deterministic; not real objects).",
        RaColumn = "ra",
        DecColumn = "dec",
    };

    public IReadOnlyList<PublishedColumn> Columns { get; } = BuildColumns();

    public string? Description => null;

    public double Fraction => _count == 0 ? 1 : (double)_row / _count;

    private static List<PublishedColumn> BuildColumns()
    {
        var columns = new List<PublishedColumn>
        {
            new("object_id", AdqlType.BigInt, null, "meta.id;meta.main", "Unique object identifier", Principal: true, Indexed: true),
            new("ra", AdqlType.Double, "deg", "pos.eq.ra;meta.main", "Right ascension (ICRS, epoch 2016.0)", Principal: true),
            new("dec", AdqlType.Double, "deg", "pos.eq.dec;meta.main", "Declination (ICRS, epoch 2016.0)", Principal: true),
            new("class", AdqlType.VarChar, null, "src.class", "Object class: star, galaxy or qso", Principal: true),
        };
        foreach (var band in Bands)
        {
            string ucd = band switch
            {
                "u" => "phot.mag;em.opt.U",
                "g" => "phot.mag;em.opt.B",
                "r" => "phot.mag;em.opt.R",
                "i" => "phot.mag;em.opt.I",
                _ => "phot.mag;em.opt.I",
            };
            columns.Add(new($"mag_{band}", AdqlType.Real, "mag", ucd, $"AB magnitude in the {band} band", Principal: band is "g" or "r"));
            columns.Add(new($"mag_{band}_err", AdqlType.Real, "mag", "stat.error;phot.mag", $"Error of mag_{band}"));
        }
        columns.Add(new("pmra", AdqlType.Double, "mas/yr", "pos.pm;pos.eq.ra", "Proper motion in RA times cos(dec) (stars only)"));
        columns.Add(new("pmdec", AdqlType.Double, "mas/yr", "pos.pm;pos.eq.dec", "Proper motion in declination (stars only)"));
        columns.Add(new("parallax", AdqlType.Double, "mas", "pos.parallax", "Parallax (stars only)"));
        columns.Add(new("parallax_err", AdqlType.Double, "mas", "stat.error;pos.parallax", "Error of parallax"));
        columns.Add(new("redshift", AdqlType.Real, null, "src.redshift", "Redshift (galaxies and quasars only)"));
        return columns;
    }

    public bool Read(object?[] values)
    {
        if (_row >= _count)
        {
            return false;
        }
        _row++;
        double u = _random.NextDouble();
        string kind = u < 0.60 ? "star" : u < 0.97 ? "galaxy" : "qso";
        values[0] = _row;
        values[1] = 360.0 * _random.NextDouble();
        values[2] = Math.Asin(2.0 * _random.NextDouble() - 1.0) * 180.0 / Math.PI;
        values[3] = kind;

        // Number counts rise by ~0.3 dex per magnitude up to the survey limit.
        double r = kind switch
        {
            "star" => Faint(14.0, 22.5, 0.30),
            "galaxy" => Faint(16.0, 23.5, 0.45),
            _ => Faint(17.0, 22.5, 0.50),
        };
        double gr = kind switch
        {
            "star" => 0.2 + 1.2 * _random.NextDouble() + 0.05 * Normal(),
            "galaxy" => 0.7 + 0.25 * Normal(),
            _ => 0.2 + 0.15 * Normal(),
        };
        double[] mags =
        [
            r + gr + (kind == "star" ? 1.0 + 0.8 * gr : 1.2) + 0.1 * Normal(),
            r + gr,
            r,
            r - (0.35 * gr + 0.05 * Normal()),
            r - (0.55 * gr + 0.08 * Normal()),
        ];
        for (int b = 0; b < Bands.Length; b++)
        {
            // Photometric error: a floor plus a term that doubles every 0.75 mag towards the limit.
            double error = 0.005 + 0.04 * Math.Pow(2.0, (mags[b] - 22.5) / 0.75);
            values[4 + 2 * b] = (double)(float)(mags[b] + error * Normal());
            values[5 + 2 * b] = (double)(float)Math.Min(error, 2.0);
        }
        int next = 4 + 2 * Bands.Length;
        if (kind == "star")
        {
            double distanceKpc = Math.Pow(10, (r - 10.0) / 5.0) / 100.0 * (0.5 + _random.NextDouble());
            double parallax = 1.0 / distanceKpc;
            double parallaxError = 0.02 + 0.3 * Math.Pow(10, 0.2 * (r - 20.0));
            values[next] = 4.74 * 30.0 * Normal() / (4.74 * distanceKpc) + 0.1 * Normal();
            values[next + 1] = 4.74 * 30.0 * Normal() / (4.74 * distanceKpc) + 0.1 * Normal();
            values[next + 2] = parallax + parallaxError * Normal();
            values[next + 3] = parallaxError;
            values[next + 4] = null;
        }
        else
        {
            values[next] = null;
            values[next + 1] = null;
            values[next + 2] = null;
            values[next + 3] = null;
            double z = kind == "galaxy"
                ? 0.01 + Math.Abs(0.15 * (r - 15.0) / 8.0 + 0.12 * Normal())
                : 0.3 + 3.5 * Math.Pow(_random.NextDouble(), 1.5);
            values[next + 4] = (double)(float)z;
        }
        return true;
    }

    private double Faint(double bright, double faint, double slope)
    {
        // Inverse CDF of N(<m) ∝ 10^(slope m) between bright and faint.
        double lo = Math.Pow(10, slope * bright), hi = Math.Pow(10, slope * faint);
        return Math.Log10(lo + (hi - lo) * _random.NextDouble()) / slope;
    }

    private double Normal()
    {
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public void Dispose()
    {
    }
}
