using System.Text.Json;
using Astrolabe.Regions.Catalogue;
using Astrolabe.Regions.Pipeline;

namespace Astrolabe.Regions.Tests;

/// <summary>The catalogue in each output format, read back by astropy (Debian python3-astropy via /usr/bin/python3).</summary>
public sealed class CatalogueFormatTests : IClassFixture<CatalogueFormatTests.Catalogues>
{
    /// <summary>The ALMA cube processed once into .vot, .csv and .fits catalogues.</summary>
    public sealed class Catalogues
    {
        public Catalogues()
        {
            Directory = TestData.NewTempDirectory();
            foreach (string extension in new[] { "vot", "csv", "fits" })
            {
                var pipeline = new RoiPipeline(new RoiPipelineOptions { Inputs = [TestData.AlmaCube], Output = Path.Combine(Directory, "roi." + extension), Resume = false });
                Rows = pipeline.RunAsync().GetAwaiter().GetResult().Regions;
            }
        }

        public string Directory { get; }
        public int Rows { get; private set; }
    }

    private const string ReadWithAstropy = """
        import json, sys, math
        from astropy.table import Table
        path, fmt = sys.argv[1], sys.argv[2]
        t = Table.read(path, format=fmt)
        cols = {}
        for name in t.colnames:
            c = t[name]
            first = c[0] if len(t) else None
            if hasattr(first, 'item'): first = first.item()
            if isinstance(first, bytes): first = first.decode()
            if isinstance(first, float) and math.isnan(first): first = None
            ucd = c.meta.get('ucd') if hasattr(c, 'meta') else None
            cols[name] = {'unit': str(c.unit) if c.unit is not None else None, 'ucd': ucd, 'first': first}
        print(json.dumps({'rows': len(t), 'columns': cols}))
        """;

    private readonly Catalogues _catalogues;

    public CatalogueFormatTests(Catalogues catalogues) => _catalogues = catalogues;

    private JsonElement Read(string extension, string format) =>
        JsonDocument.Parse(Python.Run(ReadWithAstropy, Path.Combine(_catalogues.Directory, "roi." + extension), format)).RootElement;

    public static readonly string[] RequiredColumns =
        ["file", "ra", "dec", "freq_min", "freq_max", "peak", "flux", "snr", "area_pix", "area_arcsec2", "major_arcsec", "minor_arcsec", "pa_deg", "eccentricity", "solidity"];

    [Theory]
    [InlineData("vot", "votable")]
    [InlineData("fits", "fits")]
    [InlineData("csv", "ascii.csv")]
    public void Astropy_reads_every_row_and_the_required_columns(string extension, string format)
    {
        var table = Read(extension, format);
        Assert.True(_catalogues.Rows > 0);
        Assert.Equal(_catalogues.Rows, table.GetProperty("rows").GetInt32());
        var columns = table.GetProperty("columns");
        foreach (string name in RequiredColumns)
        {
            Assert.True(columns.TryGetProperty(name, out _), $"missing column {name} in .{extension}");
        }
        Assert.Equal(TestData.AlmaCube, columns.GetProperty("file").GetProperty("first").GetString()!.Trim());
        Assert.InRange(columns.GetProperty("ra").GetProperty("first").GetDouble(), 83.80, 83.82);
    }

    [Theory]
    [InlineData("vot", "votable")]
    [InlineData("fits", "fits")]
    public void Units_are_declared_and_astropy_understands_them(string extension, string format)
    {
        var columns = Read(extension, format).GetProperty("columns");
        string Unit(string name) => columns.GetProperty(name).GetProperty("unit").GetString()!;
        Assert.Equal("deg", Unit("ra"));
        Assert.Equal("deg", Unit("dec"));
        Assert.Equal("Hz", Unit("freq_min"));
        Assert.Equal("Hz", Unit("freq_max"));
        Assert.Equal("arcsec", Unit("major_arcsec"));
        Assert.Equal("arcsec2", Unit("area_arcsec2"));
        Assert.Equal("deg", Unit("pa_deg"));
        Assert.Equal("Jy / beam", Unit("peak"));
        Assert.Equal("Jy km / s", Unit("flux"));
        Assert.Equal("km / s", Unit("vrad_min"));
    }

    [Fact]
    public void Votable_fields_carry_ucds()
    {
        var columns = Read("vot", "votable").GetProperty("columns");
        string Ucd(string name) => columns.GetProperty(name).GetProperty("ucd").GetString()!;
        Assert.Equal("pos.eq.ra;meta.main", Ucd("ra"));
        Assert.Equal("pos.eq.dec;meta.main", Ucd("dec"));
        Assert.Equal("em.freq;stat.min", Ucd("freq_min"));
        Assert.Equal("stat.snr", Ucd("snr"));
        Assert.Equal("phys.angSize.smajAxis", Ucd("major_arcsec"));
        Assert.Equal("pos.posAng", Ucd("pa_deg"));
        foreach (var column in RoiCatalogue.Columns)
        {
            Assert.False(string.IsNullOrEmpty(column.Ucd), $"{column.Name} has no UCD");
        }
    }

    [Fact]
    public void Catalogue_format_is_chosen_by_extension()
    {
        Assert.Equal(CatalogueFormat.VoTable, RoiCatalogue.FormatOf("a/b.vot"));
        Assert.Equal(CatalogueFormat.Csv, RoiCatalogue.FormatOf("b.CSV"));
        Assert.Equal(CatalogueFormat.Fits, RoiCatalogue.FormatOf("b.fits"));
        var error = Assert.Throws<ArgumentException>(() => RoiCatalogue.FormatOf("b.txt"));
        Assert.Contains(".vot, .csv or .fits", error.Message);
    }
}
