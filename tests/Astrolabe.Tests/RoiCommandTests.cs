namespace Astrolabe.Tests;

/// <summary>`astrolabe roi` run as a user would run it: mistakes on the command line are reported under the names the
/// user typed, and none of them costs a catalogue or a cube already on disk.</summary>
public class RoiCommandTests
{
    [Fact]
    public async Task Mistakes_on_the_command_line_are_named_and_never_overwrite_a_catalogue_or_a_cube()
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        var cubes = Path.Combine(root, "cubes");
        var demo = await Cli.RunAsync(["demo", "cubes", "--out", cubes, "--count", "2", "--size", "64x64x32"]);
        Assert.True(demo.Exit == 0, demo.Err);
        var catalogue = Path.Combine(root, "all.csv");
        var first = await Cli.RunAsync(["roi", cubes, "--out", catalogue]);
        Assert.True(first.Exit == 0, first.Err);
        var written = await File.ReadAllBytesAsync(catalogue);
        Assert.True(File.ReadAllLines(catalogue).Length > 1, "the demo cubes have regions");

        // A mistyped glob matches nothing: the run says so and leaves the catalogue as it was.
        var typo = await Cli.RunAsync(["roi", Path.Combine(root, "cubez", "*.fits"), "--out", catalogue]);
        Assert.Equal(2, typo.Exit);
        Assert.Contains("no FITS files found", typo.Err);
        Assert.Contains("was not written", typo.Err);
        Assert.Equal(written, await File.ReadAllBytesAsync(catalogue));

        // A catalogue named like one of the cubes would destroy it: refused, the cube untouched.
        var cube = Path.Combine(cubes, "cube_0001.fits");
        var cubeBytes = await File.ReadAllBytesAsync(cube);
        var overCube = await Cli.RunAsync(["roi", cubes, "--out", cube]);
        Assert.Equal(2, overCube.Exit);
        Assert.Contains("is one of the inputs", overCube.Err);
        Assert.Equal(cubeBytes, await File.ReadAllBytesAsync(cube));

        // A catalogue written into the folder it searches is not taken for a cube on the next run.
        var inFolder = Path.Combine(cubes, "found.fits");
        Assert.Equal(0, (await Cli.RunAsync(["roi", cubes, "--out", inFolder])).Exit);
        var again = await Cli.RunAsync(["roi", cubes, "--out", inFolder]);
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains("2 cubes: 0 processed, 2 already done, 0 failed", again.Out);

        // A catalogue that cannot be written is reported before the search, without a stack trace (the tests run as
        // root, whom permissions do not stop: a folder where the file should be, and a file where a folder should be).
        var folderInTheWay = Directory.CreateDirectory(Path.Combine(root, "taken.csv")).FullName;
        foreach (var unwritable in new[] { folderInTheWay, Path.Combine(catalogue, "below-a-file.csv") })
        {
            var cannot = await Cli.RunAsync(["roi", cubes, "--out", unwritable]);
            Assert.True(cannot.Exit == 1, $"{unwritable}: exit {cannot.Exit}, {cannot.Err}");
            Assert.Contains("cannot write the catalogue or its state", cannot.Err);
            Assert.DoesNotContain("   at ", cannot.Err);
        }
        Assert.Equal(written, await File.ReadAllBytesAsync(catalogue));

        // Out-of-range values and unknown options are named as typed, before anything runs.
        var fresh = Path.Combine(root, "fresh.csv");
        foreach (var (args, says) in new (string[], string)[]
        {
            (["--snr", "-1"], "--snr must be a positive S/N, got -1"),
            (["--min-pixels", "0"], "--min-pixels must be at least 1, got 0"),
            (["-j", "0"], "--parallel must be at least 1, got 0"),
            (["--memory-gb", "0"], "--memory-gb must be a positive number of GB, got 0"),
            (["--bogus"], "Unknown option '--bogus'"),
        })
        {
            var bad = await Cli.RunAsync(["roi", cubes, "--out", fresh, .. args]);
            Assert.True(bad.Exit == 1, $"{string.Join(' ', args)}: exit {bad.Exit}, {bad.Err}");
            Assert.Contains(says, bad.Err + bad.Out);
            Assert.False(File.Exists(fresh), $"{string.Join(' ', args)} wrote a catalogue");
        }
    }

    [Fact]
    public async Task Demo_cube_options_out_of_range_are_named_and_nothing_is_written()
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        foreach (var (args, says) in new (string[], string)[]
        {
            (["--count", "0"], "--count must be at least 1, got 0"),
            (["--sources", "-3"], "--sources must be 0 or more, got -3"),
            (["--noise", "-1"], "--noise must be a positive noise in Jy/beam, got -1"),
            (["--size", "64x64xz"], "--size must look like 64x64x32, got '64x64xz'"),
        })
        {
            var bad = await Cli.RunAsync(["demo", "cubes", "--out", root, .. args]);
            Assert.True(bad.Exit == 1, $"{string.Join(' ', args)}: exit {bad.Exit}, {bad.Err}");
            Assert.Contains(says, bad.Err + bad.Out);
            Assert.False(Directory.Exists(root), $"{string.Join(' ', args)} wrote into the folder");
        }
    }

    [Fact]
    public async Task An_interrupted_run_keeps_the_cubes_it_finished_and_the_same_command_goes_on()
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        var cubes = Path.Combine(root, "cubes");
        Assert.Equal(0, (await Cli.RunAsync(["demo", "cubes", "--out", cubes, "--count", "60", "--size", "64x64x32"])).Exit);
        var catalogue = Path.Combine(root, "all.vot");
        var state = catalogue + ".state";
        using var run = Cli.Start(["roi", cubes, "--out", catalogue, "-j", "1"]);
        var err = run.StandardError.ReadToEndAsync();
        var output = run.StandardOutput.ReadToEndAsync();
        // Ctrl-C once the first cube is recorded (the state file's first line is the settings).
        while (!run.HasExited && (!File.Exists(state) || File.ReadAllLines(state).Length < 2)) await Task.Delay(10);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await run.WaitForExitAsync(timeout.Token);

        Assert.True(run.ExitCode == 130, $"exit {run.ExitCode}: {await output} {await err}");
        Assert.Contains("interrupted; cubes finished so far are kept in", await err);
        Assert.False(File.Exists(catalogue), "an interrupted run writes no catalogue");
        int finished = File.ReadAllLines(state).Length - 1;
        Assert.InRange(finished, 1, 59);

        var again = await Cli.RunAsync(["roi", cubes, "--out", catalogue, "-j", "1"]);
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains($"60 cubes: {60 - finished} processed, {finished} already done, 0 failed", again.Out);
        Assert.True(File.Exists(catalogue));
    }

    [Fact]
    public async Task A_truncated_cube_fails_with_a_hint_and_lenient_reading_searches_what_is_there()
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        var cubes = Path.Combine(root, "cubes");
        Assert.Equal(0, (await Cli.RunAsync(["demo", "cubes", "--out", cubes, "--count", "2", "--size", "64x64x32"])).Exit);
        var damaged = Path.Combine(cubes, "cube_0002.fits");
        // Cut inside the data unit: about the first half of the channels remain.
        await using (var file = new FileStream(damaged, FileMode.Open)) file.SetLength(file.Length * 6 / 10);
        var catalogue = Path.Combine(root, "all.csv");

        var strict = await Cli.RunAsync(["roi", cubes, "--out", catalogue]);
        Assert.Equal(2, strict.Exit);
        Assert.Contains($"FAILED {damaged}: not valid FITS: Data unit truncated", strict.Err);
        Assert.Contains("(--lenient reads what is readable)", strict.Err);
        Assert.DoesNotContain("cube_0002", File.ReadAllText(catalogue));

        // The same command with --lenient: the failed cube is tried again and read as far as it goes, the repair noted.
        var lenient = await Cli.RunAsync(["roi", cubes, "--out", catalogue, "--lenient"]);
        Assert.True(lenient.Exit == 0, lenient.Err);
        Assert.Contains($"note   {damaged}: HDU 0, byte", lenient.Err);
        Assert.Contains("missing values read as NaN", lenient.Err);
        Assert.Contains("2 cubes: 1 processed, 1 already done, 0 failed", lenient.Out);
        var rows = File.ReadAllLines(catalogue);
        Assert.Contains(rows, r => r.StartsWith(damaged + ",", StringComparison.Ordinal));
        // Regions found in the damaged cube lie in the channels that were read (19 whole ones; chan_max is 0-based).
        var header = rows[0].Split(',');
        int channel = Array.IndexOf(header, "chan_max");
        Assert.All(rows.Skip(1).Where(r => r.StartsWith(damaged + ",", StringComparison.Ordinal)),
            r => Assert.True(int.Parse(r.Split(',')[channel], System.Globalization.CultureInfo.InvariantCulture) < 20, r));
    }

    [Fact]
    public async Task The_catalogue_in_every_format_loads_as_a_table_that_answers_adql_over_tap()
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        var cubes = Path.Combine(root, "cubes");
        Assert.Equal(0, (await Cli.RunAsync(["demo", "cubes", "--out", cubes, "--count", "3", "--size", "64x64x32"])).Exit);
        foreach (var format in new[] { "vot", "fits", "csv" })
        {
            var found = await Cli.RunAsync(["roi", cubes, "--out", Path.Combine(root, $"regions.{format}")]);
            Assert.True(found.Exit == 0, found.Err);
            var loaded = await Cli.RunAsync(["catalog", "ingest", Path.Combine(root, $"regions.{format}"), "--table", $"roi.regions_{format}", "--data-root", root]);
            Assert.True(loaded.Exit == 0, $"{format}: {loaded.Err}");
        }
        var expected = File.ReadAllLines(Path.Combine(root, "regions.csv"));
        Assert.True(expected.Length > 3, "the demo cubes have regions");

        await using var serve = await ServeProcess.StartAsync(root, Astrolabe.Hub.Tests.HubHost.FreePort());
        using var http = new HttpClient { BaseAddress = serve.Url };
        async Task<string[]> QueryAsync(string adql)
        {
            var response = await http.GetAsync("/tap/sync?REQUEST=doQuery&LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString(adql));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{adql}: {(int)response.StatusCode} {body}");
            return body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        }

        // The same rows from each format's table, and the same as the pipeline's own CSV.
        const string columns = "file, roi, ra, dec, freq_min, freq_max, flux, snr, area_pix, major_arcsec, solidity";
        var fromVot = await QueryAsync($"SELECT {columns} FROM roi.regions_vot ORDER BY file, roi");
        Assert.Equal(fromVot, await QueryAsync($"SELECT {columns} FROM roi.regions_fits ORDER BY file, roi"));
        Assert.Equal(fromVot, await QueryAsync($"SELECT {columns} FROM roi.regions_csv ORDER BY file, roi"));
        Assert.Equal(expected.Length, fromVot.Length);
        var header = expected[0].Split(',');
        var first = expected[1].Split(',');
        Assert.Equal(first[Array.IndexOf(header, "file")], fromVot[1].Split(',')[0]);

        // A cone search around the first region finds it, with the units of the catalogue.
        var (ra, dec) = (first[Array.IndexOf(header, "ra")], first[Array.IndexOf(header, "dec")]);
        var cone = await QueryAsync($"SELECT file, roi FROM roi.regions_vot WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {ra}, {dec}, 0.0001)) = 1");
        Assert.Contains($"{first[0]},{first[1]}", cone);
        var tables = await http.GetStringAsync("/tap/tables");
        Assert.Contains("roi.regions_vot", tables);
        Assert.Matches("<name>freq_min</name>\\s*<description>[^<]*</description>\\s*<unit>Hz</unit>", tables);
    }
}
