using System.Globalization;
using System.Text;
using System.Text.Json;
using Astrolabe.Tap.Catalog;
using Astrolabe.Tap.Ingest;
using Astrolabe.Tap.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Astrolabe.Tap.Tests;

/// <summary>`astrolabe catalog ingest` through its library entry point: a star table written by astropy as a
/// VOTable (BINARY2) and as a FITS binary table, and as CSV with a YAML metadata file, is loaded, its HEALPix
/// column agrees with healpy, its metadata reaches TAP_SCHEMA, and it answers cone searches over TAP.</summary>
public sealed class IngestTests : IAsyncLifetime
{
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("astrolabe-tap-ingest-").FullName;
    private JsonElement _truth;

    private string ConnectionString => $"Data Source={Path.Combine(_dataRoot, "catalog.db")}";

    public async Task InitializeAsync()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "make_tables.py");
        var (exit, output) = await ExternalProcess.RunAsync("/usr/bin/python3",
            [script, _dataRoot, CatalogIngest.DefaultHealpixOrder.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, output);
        _truth = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataRoot, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<List<(long Id, long? Pixel, double Vmag)>> ReadBackAsync(string sqlTable, string idColumn, string magColumn)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"{idColumn}\", healpix_index, \"{magColumn}\" FROM \"{sqlTable}\" ORDER BY \"{idColumn}\"";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, long?, double)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetDouble(2)));
        }
        return rows;
    }

    private void AssertMatchesTruth(List<(long Id, long? Pixel, double Vmag)> rows)
    {
        var ids = _truth.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var pixels = _truth.GetProperty("pixels").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var vmags = _truth.GetProperty("vmag").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(ids, rows.Select(r => r.Id));
        Assert.Equal(pixels, rows.Select(r => r.Pixel!.Value));
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(vmags[i], rows[i].Vmag, 5);
        }
    }

    private async Task<PublishedTable> PublishedAsync(string qualified)
    {
        var db = CatalogDatabase.Create(ConnectionString);
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var tables = await TapSchema.LoadAsync(db, connection, CancellationToken.None);
        return tables.Single(t => t.QualifiedName == qualified);
    }

    [Fact]
    public async Task Votable_ingest_keeps_its_metadata_and_indexes_positions_like_healpy()
    {
        var result = await CatalogIngest.IngestFileAsync(ConnectionString, Path.Combine(_dataRoot, "stars.vot"), "survey.stars", null, null, default);
        Assert.Equal(500, result.Rows);
        Assert.Equal(CatalogIngest.HealpixColumn, result.HealpixColumn);
        AssertMatchesTruth(await ReadBackAsync("survey.stars", "star_id", "vmag"));

        var table = await PublishedAsync("survey.stars");
        var ra = table.Columns.Single(c => c.Name == "ra_icrs");
        Assert.Equal("deg", ra.Unit);
        Assert.Equal("pos.eq.ra;meta.main", ra.Ucd);
        Assert.Equal("Right ascension", ra.Description);
        Assert.True(ra.Indexed);
        Assert.Equal(new Astrolabe.Tap.Adql.SpatialIndex("ra_icrs", "de_icrs", CatalogIngest.HealpixColumn, CatalogIngest.DefaultHealpixOrder), table.Spatial);
        Assert.DoesNotContain(table.Columns, c => c.Name == CatalogIngest.HealpixColumn);
    }

    [Fact]
    public async Task Fits_binary_table_ingest_reads_types_units_and_rows()
    {
        var result = await CatalogIngest.IngestFileAsync(ConnectionString, Path.Combine(_dataRoot, "stars.fits"), "survey.stars_fits", null, null, default);
        Assert.Equal(500, result.Rows);
        AssertMatchesTruth(await ReadBackAsync("survey.stars_fits", "star_id", "vmag"));
        var table = await PublishedAsync("survey.stars_fits");
        Assert.Equal(Astrolabe.Tap.Adql.AdqlType.BigInt, table.Columns.Single(c => c.Name == "star_id").Type);
        Assert.Equal(Astrolabe.Tap.Adql.AdqlType.Real, table.Columns.Single(c => c.Name == "vmag").Type);
        Assert.Equal("mag", table.Columns.Single(c => c.Name == "vmag").Unit);
    }

    [Fact]
    public async Task Votable_descriptions_before_fields_and_values_hide_neither()
    {
        // What `astrolabe roi` writes, and what many archives write: a table DESCRIPTION straight before the first
        // FIELD, and a FIELD whose DESCRIPTION comes straight before its VALUES (with the null value).
        var path = Path.Combine(_dataRoot, "described.vot");
        await File.WriteAllTextAsync(path, """
            <?xml version="1.0" encoding="utf-8"?>
            <VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
             <RESOURCE type="results">
              <TABLE name="t">
               <DESCRIPTION>Sources, described</DESCRIPTION>
               <FIELD name="file" datatype="char" arraysize="*"><DESCRIPTION>Where it was found</DESCRIPTION></FIELD>
               <FIELD name="n" datatype="int"><DESCRIPTION>Number, -1 when unknown</DESCRIPTION><VALUES null="-1"/></FIELD>
               <FIELD name="ra" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>
               <FIELD name="dec" datatype="double" unit="deg" ucd="pos.eq.dec;meta.main"/>
               <DATA><TABLEDATA>
                <TR><TD>a.fits</TD><TD>1</TD><TD>10.5</TD><TD>-20.25</TD></TR>
                <TR><TD>b.fits</TD><TD>-1</TD><TD>11.5</TD><TD>-21.25</TD></TR>
               </TABLEDATA></DATA>
              </TABLE>
             </RESOURCE>
            </VOTABLE>
            """);
        var result = await CatalogIngest.IngestFileAsync(ConnectionString, path, "survey.described", null, null, default);
        Assert.Equal(2, result.Rows);
        var table = await PublishedAsync("survey.described");
        Assert.Equal("Sources, described", table.Description);
        Assert.Equal(["file", "n", "ra", "dec"], table.Columns.Select(c => c.Name));
        Assert.Equal("Where it was found", table.Columns[0].Description);
        Assert.Equal("Number, -1 when unknown", table.Columns[1].Description);

        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT file, n, ra, dec FROM \"survey.described\" ORDER BY file";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("a.fits", 1L, 10.5, -20.25), (reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3)));
        Assert.True(await reader.ReadAsync());
        Assert.Equal("b.fits", reader.GetString(0));
        Assert.True(reader.IsDBNull(1), "the FIELD's null value (-1) is stored as NULL");
    }

    private async Task<string> WriteCsvAsync()
    {
        var csv = new StringBuilder("id,label,alpha,delta,v\n");
        var ids = _truth.GetProperty("ids").EnumerateArray().ToList();
        for (int i = 0; i < ids.Count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{ids[i].GetInt64()},\"star, number {i}\",{_truth.GetProperty("ra")[i].GetDouble():R},{_truth.GetProperty("dec")[i].GetDouble():R},{_truth.GetProperty("vmag")[i].GetDouble():R}\n");
        }
        var path = Path.Combine(_dataRoot, "stars.csv");
        await File.WriteAllTextAsync(path, csv.ToString());
        return path;
    }

    [Fact]
    public async Task Csv_ingest_takes_metadata_from_a_yaml_file_and_answers_cone_searches_over_tap()
    {
        var csv = await WriteCsvAsync();
        var meta = Path.Combine(_dataRoot, "stars.yaml");
        await File.WriteAllTextAsync(meta, """
            description: Stars written as CSV
            ra: alpha
            dec: delta
            columns:
              alpha: {unit: deg, ucd: "pos.eq.ra;meta.main", description: Right ascension}
              delta: {unit: deg, ucd: "pos.eq.dec;meta.main"}
              v: {unit: mag, ucd: phot.mag;em.opt.V, indexed: true}
              id: {principal: true}
            """);
        var result = await CatalogIngest.IngestFileAsync(ConnectionString, csv, "survey.stars_csv", meta, null, default);
        Assert.Equal(500, result.Rows);
        AssertMatchesTruth(await ReadBackAsync("survey.stars_csv", "id", "v"));
        var table = await PublishedAsync("survey.stars_csv");
        Assert.Equal("Stars written as CSV", table.Description);
        Assert.Equal("mag", table.Columns.Single(c => c.Name == "v").Unit);
        Assert.True(table.Columns.Single(c => c.Name == "v").Indexed);
        Assert.True(table.Columns.Single(c => c.Name == "id").Principal);

        await using var server = await TapTestServer.StartAsync(dataRoot: _dataRoot, demo: false);
        var (status, body, _) = await server.SyncAsync(
            "SELECT id, label FROM survey.stars_csv WHERE 1 = CONTAINS(POINT('ICRS', alpha, delta), CIRCLE('ICRS', 100.0, 10.0, 20.0))", format: "csv");
        Assert.True(status == 200, body);
        var expected = Enumerable.Range(0, 500)
            .Where(i => DemoReference.Distance(_truth.GetProperty("ra")[i].GetDouble(), _truth.GetProperty("dec")[i].GetDouble(), 100, 10) <= 20)
            .Select(i => $"{_truth.GetProperty("ids")[i].GetInt64()},\"star, number {i}\"").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Bad_ingests_say_what_to_fix()
    {
        var csv = await WriteCsvAsync();
        var badName = await Assert.ThrowsAsync<IngestException>(() =>
            CatalogIngest.IngestFileAsync(ConnectionString, csv, "no_schema", null, null, default));
        Assert.Contains("schema.table", badName.Message);

        var meta = Path.Combine(_dataRoot, "wrong.yaml");
        await File.WriteAllTextAsync(meta, "columns:\n  magnitude: {unit: mag}\n");
        var unknownColumn = await Assert.ThrowsAsync<IngestException>(() =>
            CatalogIngest.IngestFileAsync(ConnectionString, csv, "survey.x", meta, null, default));
        Assert.Contains("magnitude", unknownColumn.Message);

        var ragged = Path.Combine(_dataRoot, "ragged.csv");
        await File.WriteAllTextAsync(ragged, "a,b\n1,2\n3\n");
        var raggedError = await Assert.ThrowsAsync<IngestException>(() =>
            CatalogIngest.IngestFileAsync(ConnectionString, ragged, "survey.ragged", null, null, default));
        Assert.Contains("line 3", raggedError.Message);

        var missing = await Assert.ThrowsAsync<IngestException>(() =>
            CatalogIngest.IngestFileAsync(ConnectionString, Path.Combine(_dataRoot, "nothere.csv"), "survey.none", null, null, default));
        Assert.Contains("no such file", missing.Message);
    }
}
