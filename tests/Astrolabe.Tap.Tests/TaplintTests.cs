using System.Text.RegularExpressions;
using Astrolabe.Tap.Tests.Support;

namespace Astrolabe.Tap.Tests;

/// <summary>The IVOA validator most services are judged by: STILTS taplint (Debian `stilts`) run against the
/// live service must report zero errors.</summary>
[Collection("sqlite service")]
public sealed partial class TaplintTests(SqliteServiceFixture fixture)
{
    [GeneratedRegex(@"Totals:\s+Errors:\s+(\d+);\s+Warnings:\s+(\d+)")]
    private static partial Regex Totals();

    [Fact]
    public async Task Taplint_reports_no_errors()
    {
        var (exit, output) = await ExternalProcess.RunAsync("/usr/bin/stilts",
            ["taplint", $"tapurl={fixture.Server.BaseUrl}", "report=EW", "maxrepeat=3", "truncate=400"],
            TimeSpan.FromMinutes(8));
        var artifacts = Environment.GetEnvironmentVariable("ASTROLABE_TEST_ARTIFACTS");
        if (!string.IsNullOrEmpty(artifacts))
        {
            Directory.CreateDirectory(artifacts);
            await File.WriteAllTextAsync(Path.Combine(artifacts, "taplint.txt"), output);
        }
        var totals = Totals().Match(output);
        Assert.True(totals.Success, $"taplint (exit {exit}) printed no totals:\n{output}");
        Assert.True(totals.Groups[1].Value == "0", $"taplint found {totals.Groups[1].Value} errors:\n{output}");
    }
}
