using System.Globalization;
using Astrolabe.Regions.Pipeline;
using Astrolabe.Regions.Synthetic;

namespace Astrolabe.Regions.Tests;

/// <summary>The <c>astrolabe roi</c> pipeline over FITS files written by the demo generator.</summary>
public sealed class PipelineTests : IClassFixture<PipelineTests.DemoFolder>
{
    /// <summary>Four synthetic 64x64x32 ALMA-like cubes and their truth table, written once.</summary>
    public sealed class DemoFolder
    {
        public DemoFolder()
        {
            Directory = TestData.NewTempDirectory();
            Cubes = DemoCubeSet.Write(Directory, 4, new SyntheticCubeSpec { Sources = 8 }, firstSeed: 300);
            Truth = new CsvTable(Path.Combine(Directory, DemoCubeSet.TruthFileName));
        }

        public string Directory { get; }
        public IReadOnlyList<string> Cubes { get; }
        public CsvTable Truth { get; }
    }

    private readonly DemoFolder _demo;

    public PipelineTests(DemoFolder demo) => _demo = demo;

    private static async Task<PipelineReport> RunAsync(IReadOnlyList<string> inputs, string output, int parallelism = 2, bool resume = false)
    {
        var pipeline = new RoiPipeline(new RoiPipelineOptions { Inputs = inputs, Output = output, Parallelism = parallelism, Resume = resume });
        return await pipeline.RunAsync();
    }

    [Fact]
    public async Task Folder_of_cubes_gives_a_catalogue_that_matches_the_truth_in_world_coordinates()
    {
        string output = Path.Combine(TestData.NewTempDirectory(), "catalogue.csv");
        var report = await RunAsync([_demo.Directory], output);

        Assert.Equal(0, report.ExitCode);
        Assert.Equal(4, report.Processed);
        var catalogue = new CsvTable(output);
        int checkedSources = 0, elongated = 0;
        foreach (var source in _demo.Truth.Rows.Where(r => _demo.Truth.Number(r, "snr") >= 10))
        {
            string file = Path.Combine(_demo.Directory, _demo.Truth.Text(source, "file"));
            double ra = _demo.Truth.Number(source, "ra"), dec = _demo.Truth.Number(source, "dec"), freq = _demo.Truth.Number(source, "freq");
            // Same cube, centroid within one pixel (0.2 arcsec), line frequency inside the reported range.
            var match = catalogue.Rows.Where(r => catalogue.Text(r, "file") == file)
                .Select(r => (Row: r, Arcsec: Separation(ra, dec, catalogue.Number(r, "ra"), catalogue.Number(r, "dec"))))
                .OrderBy(m => m.Arcsec).FirstOrDefault();
            Assert.NotNull(match.Row);
            Assert.True(match.Arcsec <= 0.2, $"nearest RoI {match.Arcsec:F2} arcsec from source at S/N {_demo.Truth.Number(source, "snr"):F1}");
            Assert.InRange(freq, catalogue.Number(match.Row, "freq_min"), catalogue.Number(match.Row, "freq_max"));
            double major = catalogue.Number(match.Row, "major_arcsec"), trueMajor = _demo.Truth.Number(source, "major_arcsec");
            Assert.InRange(major / trueMajor, 0.6, 1.4);
            Assert.InRange(catalogue.Number(match.Row, "flux") / _demo.Truth.Number(source, "flux"), 0.65, 1.35);
            if (trueMajor >= 1.4 * _demo.Truth.Number(source, "minor_arcsec"))
            {
                // Position angle on the sky (east of north) from the WCS, against the generator's.
                double pa = Math.Abs(catalogue.Number(match.Row, "pa_deg") - _demo.Truth.Number(source, "pa_deg")) % 180;
                Assert.True(Math.Min(pa, 180 - pa) <= 40, $"PA {catalogue.Number(match.Row, "pa_deg"):F0} vs {_demo.Truth.Number(source, "pa_deg"):F0}");
                elongated++;
            }
            checkedSources++;
        }
        Assert.True(checkedSources >= 8, $"only {checkedSources} bright sources in the demo set");
        Assert.True(elongated >= 1, "no elongated bright source to check the position angle on");
        Assert.All(catalogue.Rows, r => Assert.Equal("Jy.km/s", catalogue.Text(r, "flux_unit")));
    }

    [Fact]
    public async Task Repeated_runs_give_identical_catalogues_whatever_the_parallelism()
    {
        string dir = TestData.NewTempDirectory();
        await RunAsync([_demo.Directory], Path.Combine(dir, "a.csv"), parallelism: 1);
        await RunAsync([_demo.Directory], Path.Combine(dir, "b.csv"), parallelism: 2);
        await RunAsync([_demo.Directory], Path.Combine(dir, "c.csv"), parallelism: 2);
        byte[] a = File.ReadAllBytes(Path.Combine(dir, "a.csv"));
        Assert.True(a.Length > 500);
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(dir, "b.csv")));
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(dir, "c.csv")));
    }

    [Fact]
    public async Task A_memory_budget_smaller_than_one_cube_runs_cubes_one_at_a_time_with_the_same_result()
    {
        string dir = TestData.NewTempDirectory();
        await RunAsync([_demo.Directory], Path.Combine(dir, "free.csv"), parallelism: 2);
        var pipeline = new RoiPipeline(new RoiPipelineOptions
        {
            Inputs = [_demo.Directory],
            Output = Path.Combine(dir, "tight.csv"),
            Parallelism = 2,
            Resume = false,
            MemoryBudgetBytes = 1,
        });
        var report = await pipeline.RunAsync();
        Assert.Equal(4, report.Processed);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "free.csv")), File.ReadAllBytes(Path.Combine(dir, "tight.csv")));
    }

    [Fact]
    public async Task A_rerun_skips_finished_cubes_and_redoes_changed_ones()
    {
        string inputs = TestData.NewTempDirectory();
        foreach (string cube in _demo.Cubes) File.Copy(cube, Path.Combine(inputs, Path.GetFileName(cube)));
        string output = Path.Combine(TestData.NewTempDirectory(), "catalogue.vot");

        var first = await RunAsync([inputs], output, resume: true);
        byte[] firstCatalogue = File.ReadAllBytes(output);
        var second = await RunAsync([inputs], output, resume: true);
        File.SetLastWriteTimeUtc(Path.Combine(inputs, Path.GetFileName(_demo.Cubes[0])), DateTime.UtcNow.AddMinutes(1));
        var third = await RunAsync([inputs], output, resume: true);

        Assert.Equal(4, first.Processed);
        Assert.Equal(0, first.Skipped);
        Assert.Equal(4, second.Skipped);
        Assert.Equal(0, second.Processed);
        Assert.Equal(firstCatalogue, File.ReadAllBytes(output));
        Assert.Equal(3, third.Skipped);
        Assert.Equal(1, third.Processed);
        Assert.Equal(first.Regions, third.Regions);
    }

    [Fact]
    public async Task Bad_files_are_reported_with_a_reason_and_the_rest_is_processed()
    {
        string dir = TestData.NewTempDirectory();
        File.Copy(_demo.Cubes[0], Path.Combine(dir, "good-1.fits"));
        File.Copy(_demo.Cubes[1], Path.Combine(dir, "good-2.fits"));
        byte[] cube = File.ReadAllBytes(_demo.Cubes[2]);
        File.WriteAllBytes(Path.Combine(dir, "truncated.fits"), cube[..(cube.Length / 2)]);
        File.WriteAllBytes(Path.Combine(dir, "bitpix.fits"), ReplaceCard(cube, "BITPIX", "                   12"));
        File.WriteAllBytes(Path.Combine(dir, "naxis.fits"), RenameCard(cube, "NAXIS2", "NAXISX"));
        File.WriteAllText(Path.Combine(dir, "notes.fits"), string.Concat(Enumerable.Repeat("not a FITS file\n", 400)));
        File.WriteAllBytes(Path.Combine(dir, "empty.fits"), []);
        File.CreateSymbolicLink(Path.Combine(dir, "dangling.fits"), "/nonexistent/cube.fits");
        // Permissions stop a non-root user only; as root (CI containers) this file is read like the good ones.
        string locked = Path.Combine(dir, "locked.fits");
        File.Copy(_demo.Cubes[3], locked);
        File.SetUnixFileMode(locked, UnixFileMode.None);

        string output = Path.Combine(TestData.NewTempDirectory(), "catalogue.csv");
        var report = await RunAsync([dir], output);

        var byName = report.Cubes.ToDictionary(c => Path.GetFileName(c.File));
        Assert.True(byName["good-1.fits"].Succeeded);
        Assert.True(byName["good-2.fits"].Succeeded);
        Assert.Contains("truncated", Reason(byName, "truncated.fits"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("BITPIX", Reason(byName, "bitpix.fits"));
        Assert.Contains("NAXIS2", Reason(byName, "naxis.fits"));
        Assert.Contains("not valid FITS", Reason(byName, "notes.fits"));
        Assert.Contains("empty", Reason(byName, "empty.fits"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not found", Reason(byName, "dangling.fits"));
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root" && !IsRoot())
        {
            Assert.Contains("cannot be read", Reason(byName, "locked.fits"));
        }
        Assert.Equal(2, report.ExitCode);
        var catalogue = new CsvTable(output);
        Assert.Contains(catalogue.Rows, r => catalogue.Text(r, "file").EndsWith("good-1.fits"));
        Assert.Contains(catalogue.Rows, r => catalogue.Text(r, "file").EndsWith("good-2.fits"));
        Assert.DoesNotContain(catalogue.Rows, r => catalogue.Text(r, "file").EndsWith("truncated.fits"));
    }

    [Fact]
    public async Task Named_file_that_does_not_exist_fails_alone()
    {
        string output = Path.Combine(TestData.NewTempDirectory(), "catalogue.csv");
        var report = await RunAsync([_demo.Cubes[0], "/nonexistent/missing.fits"], output);
        Assert.Equal(2, report.Cubes.Count);
        Assert.Equal(1, report.Processed);
        Assert.Equal(1, report.Failed);
        Assert.Equal(2, report.ExitCode);
    }

    [Fact]
    public async Task Globs_select_files_by_pattern()
    {
        string output = Path.Combine(TestData.NewTempDirectory(), "catalogue.csv");
        var report = await RunAsync([Path.Combine(_demo.Directory, "cube_000[12].fits"), Path.Combine(_demo.Directory, "**", "cube_0004.fits")], output);
        Assert.Equal(["cube_0001.fits", "cube_0002.fits", "cube_0004.fits"], report.Cubes.Select(c => Path.GetFileName(c.File)).ToArray());
    }

    [Fact]
    public async Task Gzipped_cubes_give_the_same_regions_as_plain_ones()
    {
        string dir = TestData.NewTempDirectory();
        string gz = Path.Combine(dir, "cube.fits.gz");
        using (var source = File.OpenRead(_demo.Cubes[0]))
        using (var target = new System.IO.Compression.GZipStream(File.Create(gz), System.IO.Compression.CompressionLevel.Fastest))
        {
            source.CopyTo(target);
        }
        var finder = new Detection.RegionFinder();
        var plain = (await RoiPipeline.ProcessFileAsync(_demo.Cubes[0], finder)).Regions.Select(r => r with { File = "" }).ToList();
        var zipped = (await RoiPipeline.ProcessFileAsync(gz, finder)).Regions.Select(r => r with { File = "" }).ToList();
        Assert.NotEmpty(plain);
        Assert.Equal(plain, zipped);
        // A folder search finds .fits.gz too.
        var report = await RunAsync([dir], Path.Combine(dir, "catalogue.csv"));
        Assert.Equal(1, report.Processed);
    }

    private static string Reason(Dictionary<string, CubeOutcome> outcomes, string name)
    {
        var outcome = outcomes[name];
        Assert.False(outcome.Succeeded, $"{name} should have failed");
        return outcome.Error!;
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllText("/proc/self/status").Split('\n').First(l => l.StartsWith("Uid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The cube with one card's value field (columns 11-30) replaced.</summary>
    private static byte[] ReplaceCard(byte[] fits, string keyword, string value)
    {
        var copy = (byte[])fits.Clone();
        int at = FindCard(copy, keyword);
        System.Text.Encoding.ASCII.GetBytes(value.PadLeft(20)).CopyTo(copy, at + 10);
        return copy;
    }

    private static byte[] RenameCard(byte[] fits, string keyword, string newKeyword)
    {
        var copy = (byte[])fits.Clone();
        int at = FindCard(copy, keyword);
        System.Text.Encoding.ASCII.GetBytes(newKeyword.PadRight(8)).CopyTo(copy, at);
        return copy;
    }

    private static int FindCard(byte[] fits, string keyword)
    {
        string padded = keyword.PadRight(8);
        for (int at = 0; at < 2880 * 4; at += 80)
        {
            if (System.Text.Encoding.ASCII.GetString(fits, at, 8) == padded) return at;
        }
        throw new InvalidOperationException($"no {keyword} card");
    }

    private static double Separation(double ra1, double dec1, double ra2, double dec2)
    {
        double d2r = Math.PI / 180;
        double dRa = (ra2 - ra1) * Math.Cos(0.5 * (dec1 + dec2) * d2r);
        return Math.Sqrt(dRa * dRa + (dec2 - dec1) * (dec2 - dec1)) * 3600;
    }
}
