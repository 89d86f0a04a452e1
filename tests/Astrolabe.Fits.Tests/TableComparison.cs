using System.Numerics;
using System.Text.Json;

namespace Astrolabe.Fits.Tests;

/// <summary>Compares a column we read with astropy's values for it (from Scripts/dump_table.py).</summary>
internal static class TableComparison
{
    public static JsonElement Dump(string path, int hdu) => Python.RunJson("dump_table.py", path, hdu.ToString());

    /// <summary>astropy's values for rows [first, first + count), flattened (array cells in row-major order).</summary>
    public static List<JsonElement> Flatten(JsonElement rows, int first, int count, bool keepCells = false)
    {
        var result = new List<JsonElement>();
        foreach (var cell in rows.EnumerateArray().Skip(first).Take(count))
        {
            if (cell.ValueKind == JsonValueKind.Array && !keepCells)
                foreach (var v in cell.EnumerateArray()) result.Add(v);
            else result.Add(cell);
        }
        return result;
    }

    public static void AssertColumn(string name, Array ours, List<JsonElement> expected)
    {
        if (ours is Array[] jagged)
        {
            Assert.Equal(expected.Count, jagged.Length);
            for (var r = 0; r < jagged.Length; r++)
                AssertColumn($"{name}[{r}]", jagged[r], expected[r].EnumerateArray().ToList());
            return;
        }
        if (ours is Complex[] complex)
        {
            // astropy gives each complex value as [re, im] (callers keep those cells whole).
            var pairs = expected;
            Assert.Equal(complex.Length, pairs.Count);
            for (var i = 0; i < complex.Length; i++)
            {
                Assert.Equal(pairs[i][0].GetDouble(), complex[i].Real);
                Assert.Equal(pairs[i][1].GetDouble(), complex[i].Imaginary);
            }
            return;
        }
        Assert.True(expected.Count == ours.Length, $"{name}: {ours.Length} values, astropy {expected.Count}");
        for (var i = 0; i < ours.Length; i++)
        {
            var e = expected[i];
            var o = ours.GetValue(i);
            var where = $"{name} value {i}";
            switch (o)
            {
                case bool b: Assert.True(e.GetBoolean() == b, where); break;
                case string s: Assert.Equal(e.GetString(), s); break;
                case float f when float.IsNaN(f): Assert.True(e.ValueKind == JsonValueKind.Null, where); break;
                case double d when double.IsNaN(d): Assert.True(e.ValueKind == JsonValueKind.Null, where); break;
                case float f: Assert.True(e.GetDouble() == f, $"{where}: {f} vs {e}"); break;
                case double d: Assert.True(e.GetDouble() == d, $"{where}: {d:R} vs {e}"); break;
                default: Assert.True(e.GetDecimal() == Convert.ToDecimal(o), $"{where}: {o} vs {e}"); break;
            }
        }
    }
}
