using System.Numerics;

namespace Astrolabe.Fits.Tests;

/// <summary>Tables written by astropy (Scripts/make_tables.py), read by us, compared with astropy's reading.</summary>
public sealed class AstropyTablesFixture : IDisposable
{
    public AstropyTablesFixture()
    {
        Directory = TestData.NewTempDirectory();
        Python.Run("make_tables.py", Directory);
        Binary = TableComparison.Dump(PathOf("bintable.fits"), 1);
        Ascii = TableComparison.Dump(PathOf("asciitable.fits"), 1);
    }

    public string Directory { get; }

    public System.Text.Json.JsonElement Binary { get; }

    public System.Text.Json.JsonElement Ascii { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    public void Dispose() => TestData.DeleteDirectory(Directory);
}

public sealed class AstropyTableTests(AstropyTablesFixture fixture) : IClassFixture<AstropyTablesFixture>
{
    [Fact]
    public void Every_binary_column_type_reads_as_astropy_reads_it()
    {
        using var fits = FitsFile.Open(fixture.PathOf("bintable.fits"));
        var table = Assert.IsType<BinaryTableHdu>(fits["EVERYTYPE"]);
        Assert.Equal(23, table.RowCount);
        var columns = fixture.Binary.GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal(columns.Count, table.Columns.Count);
        var all = table.ReadRows(0, table.RowCount);
        for (var c = 0; c < columns.Count; c++)
        {
            var name = columns[c].GetProperty("name").GetString()!;
            Assert.Equal(name, table.Columns[c].Name);
            var expected = TableComparison.Flatten(columns[c].GetProperty("values"), 0, 23, keepCells: all[c] is Array[] || all[c] is Complex[]);
            TableComparison.AssertColumn(name, all[c], expected);
        }
    }

    [Fact]
    public void Column_types_follow_the_conventions()
    {
        using var fits = FitsFile.Open(fixture.PathOf("bintable.fits"));
        var table = (BinaryTableHdu)fits.Hdus[1];
        Assert.IsType<ushort[]>(table.ReadColumn("ushort"));
        Assert.IsType<uint[]>(table.ReadColumn("uint"));
        Assert.IsType<ulong[]>(table.ReadColumn("ulong"));
        Assert.IsType<double[]>(table.ReadColumn("scaled"));
        Assert.IsType<string[]>(table.ReadColumn("name"));
        Assert.Equal(-999, table.Column("int").Null);
        Assert.Equal([3, 2], table.Column("mat").Dimensions!);
        Assert.Equal("Jy", table.Column("flux").Unit);
        Assert.Equal(13 * 23, table.ReadColumn("bits").Length);
        Assert.Equal('E', table.Column("varf").ElementType);
    }

    [Fact]
    public void Columns_read_as_a_chosen_type_or_as_doubles()
    {
        using var fits = FitsFile.Open(fixture.PathOf("bintable.fits"));
        var table = (BinaryTableHdu)fits.Hdus[1];
        Assert.Equal((double[])table.ReadColumn("ra"), table.ReadColumn<double>("ra"));
        var e = Assert.Throws<InvalidCastException>(() => table.ReadColumn<float>("ra"));
        Assert.Contains("Double[]", e.Message);
        var ints = table.ReadColumn<int>("int");
        var asDouble = table.ReadColumnAsDouble("int");
        for (var i = 0; i < ints.Length; i++) Assert.Equal(ints[i] == -999 ? double.NaN : ints[i], asDouble[i]);
        Assert.Equal(table.ReadColumn<ushort>("ushort").Select(v => (double)v), table.ReadColumnAsDouble("ushort"));
        Assert.Equal(table.ReadColumn<float>("flux").Select(v => (double)v), table.ReadColumnAsDouble("flux"));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 7)]
    [InlineData(22, 1)]
    [InlineData(10, 0)]
    public void A_row_range_reads_only_those_rows(int first, int count)
    {
        using var fits = FitsFile.Open(fixture.PathOf("bintable.fits"));
        var table = (BinaryTableHdu)fits.Hdus[1];
        var columns = fixture.Binary.GetProperty("columns").EnumerateArray().ToList();
        foreach (var name in new[] { "ra", "vec3", "name", "varf", "bits", "dcplx" })
        {
            var ours = table.ReadColumn(name, first, count);
            var values = columns.First(c => c.GetProperty("name").GetString() == name).GetProperty("values");
            TableComparison.AssertColumn(name, ours, TableComparison.Flatten(values, first, count, keepCells: ours is Array[] || ours is Complex[]));
        }
    }

    [Fact]
    public void Ascii_table_reads_as_astropy_reads_it()
    {
        using var fits = FitsFile.Open(fixture.PathOf("asciitable.fits"));
        var table = Assert.IsType<AsciiTableHdu>(fits["ASCII"]);
        var columns = fixture.Ascii.GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal(columns.Count, table.Columns.Count);
        for (var c = 0; c < columns.Count; c++)
        {
            var name = columns[c].GetProperty("name").GetString()!;
            TableComparison.AssertColumn(name, table.ReadColumn(c), TableComparison.Flatten(columns[c].GetProperty("values"), 0, 23));
            TableComparison.AssertColumn(name, table.ReadColumn(c, 4, 6), TableComparison.Flatten(columns[c].GetProperty("values"), 4, 6));
        }
    }
}
