using System.Globalization;
using System.Text.Json;

namespace Astrolabe.Fits.Tests;

/// <summary>Compares what we read with what astropy reads (via Scripts/dump_fits.py and Scripts/wcs_grid.py).</summary>
internal static class Astropy
{
    /// <summary>astropy's reading of a file: per HDU, its cards and (for images) its pixels as float64.</summary>
    public static List<AstropyHdu> Dump(string path) => DumpMany(path)[path];

    /// <summary>astropy's reading of several files in one Python run (starting Python and astropy is the slow part).</summary>
    public static Dictionary<string, List<AstropyHdu>> DumpMany(params string[] paths)
    {
        var json = Python.RunJson("dump_fits.py", paths);
        var all = new Dictionary<string, List<AstropyHdu>>();
        foreach (var file in json.EnumerateObject())
        {
            var result = new List<AstropyHdu>();
            foreach (var hdu in file.Value.EnumerateArray())
            {
                var index = hdu.GetProperty("index").GetInt32();
                double[]? data = null;
                if (hdu.TryGetProperty("shape", out _))
                {
                    var bytes = File.ReadAllBytes($"{file.Name}.astropy.{index}.f8");
                    data = new double[bytes.Length / 8];
                    Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
                }
                var dtype = hdu.TryGetProperty("dtype", out var t) ? t.GetString() : null;
                result.Add(new AstropyHdu(index, hdu.GetProperty("type").GetString()!, hdu.GetProperty("cards").Clone(), data, dtype));
            }
            all[file.Name] = result;
        }
        return all;
    }

    /// <summary>Asserts our header holds the same cards, in order, with the same values as astropy's.</summary>
    public static void AssertSameCards(JsonElement astropyCards, Header ours)
    {
        var expected = astropyCards.EnumerateArray().ToList();
        Assert.Equal(expected.Count, ours.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var card = ours.Cards[i];
            var keyword = e.GetProperty("keyword").GetString()!;
            Assert.Equal(keyword, card.Keyword);
            var kind = e.GetProperty("kind").GetString();
            var where = $"card {i + 1} {keyword}";
            switch (kind)
            {
                case "commentary":
                    Assert.True(card.IsCommentary, where);
                    Assert.Equal(e.GetProperty("value").GetString()!.TrimEnd(), card.ValueText!.TrimEnd());
                    break;
                case "logical":
                    Assert.True(card.TryGetBool(out var b), where);
                    Assert.Equal(e.GetProperty("value").GetBoolean(), b);
                    break;
                case "integer":
                    // Compared as big integers: BZERO = 2^63 (unsigned 64-bit) does not fit a long.
                    Assert.Equal(CardValueKind.Integer, card.Kind);
                    Assert.Equal(System.Numerics.BigInteger.Parse(e.GetProperty("value").GetString()!, CultureInfo.InvariantCulture),
                        System.Numerics.BigInteger.Parse(card.ValueText!, CultureInfo.InvariantCulture));
                    break;
                case "real":
                    Assert.True(card.TryGetDouble(out var d), where);
                    Assert.Equal(double.Parse(e.GetProperty("value").GetString()!, CultureInfo.InvariantCulture), d);
                    break;
                case "string":
                    Assert.Equal(CardValueKind.String, card.Kind);
                    Assert.Equal(e.GetProperty("value").GetString(), card.ValueText);
                    break;
                case "complex":
                    Assert.True(card.TryGetComplex(out var c), where);
                    Assert.Equal(e.GetProperty("value")[0].GetDouble(), c.Real);
                    Assert.Equal(e.GetProperty("value")[1].GetDouble(), c.Imaginary);
                    break;
                case "undefined":
                    Assert.Equal(CardValueKind.Undefined, card.Kind);
                    break;
            }
            if (kind != "commentary")
                Assert.Equal(e.GetProperty("comment").GetString() ?? "", card.Comment ?? "");
        }
    }

    /// <summary>Asserts two pixel arrays are identical (NaN matching NaN), or within relativeTolerance × (|value| + offset).</summary>
    public static void AssertSamePixels(double[] expected, double[] actual, string what, double relativeTolerance = 0, double offset = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]) && double.IsNaN(actual[i])) continue;
            if (expected[i] != actual[i] && !(Math.Abs(expected[i] - actual[i]) <= relativeTolerance * (Math.Abs(expected[i]) + offset)))
                Assert.Fail($"{what}: pixel {i} is {actual[i].ToString("R", CultureInfo.InvariantCulture)}, astropy reads {expected[i].ToString("R", CultureInfo.InvariantCulture)}");
        }
    }
}

/// <summary>One HDU as astropy read it; <paramref name="DataType"/> is the numpy dtype astropy produced.</summary>
internal sealed record AstropyHdu(int Index, string Type, JsonElement Cards, double[]? Data, string? DataType);
