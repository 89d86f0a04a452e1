using System.Numerics;

namespace Astrolabe.Fits.Tests;

/// <summary>Tables we write, read by astropy (Scripts/dump_table.py) and by us.</summary>
public sealed class TableWriterTests : IDisposable
{
    private readonly string _dir = TestData.NewTempDirectory();

    public void Dispose() => TestData.DeleteDirectory(_dir);

    private static ColumnData[] EveryType()
    {
        var rng = new Random(5);
        const int n = 17;
        return
        [
            new("flag", Enumerable.Range(0, n).Select(i => i % 3 == 0).ToArray()),
            new("bits", Enumerable.Range(0, n * 11).Select(i => rng.Next(2) == 1).ToArray()) { Repeat = 11, AsBits = true },
            new("byte", Enumerable.Range(0, n).Select(i => (byte)rng.Next(256)).ToArray()),
            new("sbyte", Enumerable.Range(0, n).Select(i => (sbyte)rng.Next(-128, 128)).ToArray()),
            new("short", Enumerable.Range(0, n).Select(i => (short)rng.Next(-32768, 32768)).ToArray()),
            new("ushort", Enumerable.Range(0, n).Select(i => (ushort)rng.Next(65536)).ToArray()),
            new("int", Enumerable.Range(0, n).Select(i => rng.Next(int.MinValue, int.MaxValue)).ToArray()) { Null = -1 },
            new("uint", Enumerable.Range(0, n).Select(i => (uint)rng.NextInt64(uint.MaxValue)).ToArray()),
            new("long", Enumerable.Range(0, n).Select(i => rng.NextInt64(long.MinValue, long.MaxValue)).ToArray()),
            new("ulong", Enumerable.Range(0, n).Select(i => (ulong)rng.NextInt64() * 2 + 1).ToArray()),
            new("flux", Enumerable.Range(0, n).Select(i => i == 4 ? float.NaN : (float)rng.NextDouble()).ToArray()) { Unit = "Jy", Ucd = "phot.flux" },
            new("ra", Enumerable.Range(0, n).Select(i => rng.NextDouble() * 360).ToArray()) { Unit = "deg" },
            new("name", Enumerable.Range(0, n).Select(i => i % 4 == 0 ? "" : $"source {i}").ToArray()),
            new("cplx", Enumerable.Range(0, n).Select(i => new Complex(rng.NextDouble(), -rng.NextDouble())).ToArray()),
            new("mat", Enumerable.Range(0, n * 6).Select(i => rng.NextDouble()).ToArray()) { Repeat = 6, Dimensions = [3, 2] },
            new("spectrum", Enumerable.Range(0, n).Select(i => (Array)Enumerable.Range(0, i % 5).Select(k => (float)(k * 0.5 + i)).ToArray()).ToArray()),
            new("ids", Enumerable.Range(0, n).Select(i => (Array)Enumerable.Range(0, i % 3).Select(k => (long)k * i).ToArray()).ToArray()),
        ];
    }

    [Fact]
    public void Every_column_type_we_write_reads_identically_in_astropy()
    {
        var path = Path.Combine(_dir, "table.fits");
        var columns = EveryType();
        var cards = new Header();
        cards.Set("EXTNAME", "CATALOGUE");
        using (var writer = FitsWriter.Create(path))
            writer.WriteBinaryTable(columns, cards);

        var astropy = TableComparison.Dump(path, 1);
        var astropyColumns = astropy.GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal(columns.Length, astropyColumns.Count);
        for (var c = 0; c < columns.Length; c++)
        {
            Assert.Equal(columns[c].Name, astropyColumns[c].GetProperty("name").GetString());
            var keepCells = columns[c].Values is Array[] or Complex[];
            TableComparison.AssertColumn(columns[c].Name, columns[c].Values, TableComparison.Flatten(astropyColumns[c].GetProperty("values"), 0, 17, keepCells));
        }

        using var fits = FitsFile.Open(path);
        var table = Assert.IsType<BinaryTableHdu>(fits["CATALOGUE"]);
        var back = table.ReadRows(0, table.RowCount);
        for (var c = 0; c < columns.Length; c++)
        {
            if (columns[c].Values is Array[] jagged)
                for (var r = 0; r < jagged.Length; r++) Assert.Equal(jagged[r], ((Array[])back[c])[r]);
            else Assert.Equal(columns[c].Values, back[c]);
        }
        Assert.Equal("phot.flux", table.Column("flux").Ucd);
    }

    [Fact]
    public void Ascii_table_we_write_reads_identically_in_astropy()
    {
        var path = Path.Combine(_dir, "ascii.fits");
        var columns = new ColumnData[]
        {
            new("id", new long[] { 1, -20, 300, 4000 }),
            new("label", new[] { "a", "bb", "", "dddd" }),
            new("value", new[] { 1.5, -2.25e-10, 3.0e200, 0.1 }) { Unit = "K" },
            new("single", new[] { 1.5f, -2.5e-3f, 7f, 0.1f }),
        };
        using (var writer = FitsWriter.Create(path))
            writer.WriteAsciiTable(columns);

        var astropyColumns = TableComparison.Dump(path, 1).GetProperty("columns").EnumerateArray().ToList();
        for (var c = 0; c < 3; c++)
            TableComparison.AssertColumn(columns[c].Name, columns[c].Values, TableComparison.Flatten(astropyColumns[c].GetProperty("values"), 0, 4));
        // astropy reads the E field as a double; it must round to the very float we wrote.
        Assert.Equal((float[])columns[3].Values, astropyColumns[3].GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray());
        using var fits = FitsFile.Open(path);
        var table = Assert.IsType<AsciiTableHdu>(fits.Hdus[1]);
        Assert.Equal(columns[0].Values, table.ReadColumn("id"));
        Assert.Equal(columns[2].Values, table.ReadColumn("value"));
        Assert.Equal("K", table.Column("value").Unit);
    }

    [Fact]
    public void Empty_tables_and_images_read_in_astropy()
    {
        var path = Path.Combine(_dir, "empty.fits");
        using (var writer = FitsWriter.Create(path))
        {
            writer.WriteImage(ReadOnlySpan<float>.Empty, [0, 5]);
            writer.WriteBinaryTable([new("a", Array.Empty<double>()), new("b", Array.Empty<string>()) { StringWidth = 4 }]);
        }
        var astropy = TableComparison.Dump(path, 1);
        Assert.Equal(0, astropy.GetProperty("rows").GetInt32());
        using var fits = FitsFile.Open(path);
        Assert.Equal(0, ((ImageHdu)fits.Primary).PixelCount);
        var table = (BinaryTableHdu)fits.Hdus[1];
        Assert.Equal(0, table.RowCount);
        Assert.Empty(table.ReadColumn<double>("a"));
    }

    [Fact]
    public void Columns_of_different_lengths_are_refused()
    {
        using var writer = new FitsWriter(new MemoryStream());
        var e = Assert.Throws<ArgumentException>(() => writer.WriteBinaryTable([new("a", new int[3]), new("b", new int[4])]));
        Assert.Contains("Column b has 4 rows", e.Message);
    }
}
