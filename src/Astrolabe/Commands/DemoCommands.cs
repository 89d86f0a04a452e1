using System.CommandLine;
using System.Globalization;
using Astrolabe.Regions.Synthetic;

namespace Astrolabe.Commands;

/// <summary>`astrolabe demo`: generate demonstration data (`demo cubes`: synthetic ALMA-like cubes with a truth table).</summary>
public static class DemoCommands
{
    public static Command Create()
    {
        var command = new Command("demo", "Generate demonstration data.");
        command.Subcommands.Add(CreateCubes());
        return command;
    }

    private static Command CreateCubes()
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder to write the cubes and truth.csv into.", Required = true };
        var count = new Option<int>("--count", "-n") { Description = "Number of cubes.", DefaultValueFactory = _ => 10 };
        var size = new Option<string>("--size") { Description = "WIDTHxHEIGHTxCHANNELS, e.g. 64x64x32 or 1024x1024x512.", DefaultValueFactory = _ => "64x64x32" };
        var sources = new Option<int>("--sources") { Description = "Sources per cube.", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "Seed of the first cube (cube k uses seed + k - 1).", DefaultValueFactory = _ => 1 };
        var noise = new Option<double>("--noise") { Description = "Noise at the field centre, Jy/beam.", DefaultValueFactory = _ => 1e-3 };

        count.Require(v => v >= 1, "at least 1");
        sources.Require(v => v >= 0, "0 or more");
        noise.Require(v => v > 0, "a positive noise in Jy/beam");

        var cubes = new Command("cubes", "Write synthetic ALMA-like cubes (noise, Gaussian sources and lines, NaN primary-beam edge) and their truth table.")
        {
            output, count, size, sources, seed, noise,
        };
        cubes.SetAction((p, ct) =>
        {
            if (!TryParseSize(p.GetValue(size)!, out int width, out int height, out int channels))
            {
                Console.Error.WriteLine($"astrolabe demo cubes: --size must look like 64x64x32, got '{p.GetValue(size)}'.");
                return Task.FromResult(1);
            }
            int n = p.GetValue(count);
            var spec = new SyntheticCubeSpec { Width = width, Height = height, Channels = channels, Sources = p.GetValue(sources), NoiseJyPerBeam = p.GetValue(noise) };
            try
            {
                string folder = p.GetValue(output)!;
                // A progress line for a terminal; none in a log, where carriage returns would run the counts together.
                var interactive = !Console.IsErrorRedirected;
                var paths = DemoCubeSet.Write(folder, n, spec, p.GetValue(seed), done => { if (interactive) Console.Error.Write($"\r{done}/{n} cubes"); }, ct);
                if (interactive) Console.Error.WriteLine();
                long bytes = paths.Sum(f => new FileInfo(f).Length);
                Console.WriteLine($"Wrote {paths.Count} cube{(paths.Count == 1 ? "" : "s")} ({bytes / 1e6:F1} MB) and {Path.Combine(folder, DemoCubeSet.TruthFileName)}.");
                return Task.FromResult(0);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"astrolabe demo cubes: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return cubes;
    }

    private static bool TryParseSize(string text, out int width, out int height, out int channels)
    {
        width = height = channels = 0;
        string[] parts = text.ToLowerInvariant().Split('x');
        return parts.Length is 2 or 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out height)
            && (parts.Length == 2 ? (channels = 1) == 1 : int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out channels));
    }
}
