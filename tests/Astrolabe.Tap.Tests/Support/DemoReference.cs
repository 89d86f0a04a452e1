using Astrolabe.Tap.Demo;

namespace Astrolabe.Tap.Tests.Support;

/// <summary>The rows of the test demo catalogue, regenerated in memory from the same seed, so expected answers
/// are computed here in C# and never by the service under test.</summary>
internal sealed class DemoReference
{
    public sealed record Row(long Id, double Ra, double Dec, string Class, double MagG, double MagR, double? Redshift, double? Parallax);

    public static readonly DemoReference Instance = new(TapTestServer.DemoRows);

    private DemoReference(int count)
    {
        using var source = new DemoCatalog(count);
        var names = source.Columns.Select(c => c.Name).ToList();
        int id = names.IndexOf("object_id"), ra = names.IndexOf("ra"), dec = names.IndexOf("dec"), cls = names.IndexOf("class"),
            g = names.IndexOf("mag_g"), r = names.IndexOf("mag_r"), z = names.IndexOf("redshift"), plx = names.IndexOf("parallax");
        var values = new object?[names.Count];
        while (source.Read(values))
        {
            Rows.Add(new Row((long)values[id]!, (double)values[ra]!, (double)values[dec]!, (string)values[cls]!,
                (double)values[g]!, (double)values[r]!, (double?)values[z], (double?)values[plx]));
        }
    }

    public List<Row> Rows { get; } = [];

    /// <summary>Angular distance in degrees (haversine, stable for small angles).</summary>
    public static double Distance(double ra1, double dec1, double ra2, double dec2)
    {
        double r = Math.PI / 180;
        double sdd = Math.Sin((dec2 - dec1) * r / 2), sda = Math.Sin((ra2 - ra1) * r / 2);
        double h = sdd * sdd + Math.Cos(dec1 * r) * Math.Cos(dec2 * r) * sda * sda;
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(h))) / r;
    }
}
