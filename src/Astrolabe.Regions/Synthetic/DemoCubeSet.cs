using System.Text;

namespace Astrolabe.Regions.Synthetic;

/// <summary>A folder of synthetic cubes plus one truth table (truth.csv) covering them all.</summary>
public static class DemoCubeSet
{
    public const string TruthFileName = "truth.csv";

    /// <summary>Writes <paramref name="count"/> cubes shaped like <paramref name="template"/>, seeds firstSeed, firstSeed+1, ...
    /// (so each is reproducible alone), several at a time within a memory budget. Returns the cube paths in order.</summary>
    public static IReadOnlyList<string> Write(string directory, int count, SyntheticCubeSpec template, int firstSeed = 1,
        Action<int>? cubeWritten = null, CancellationToken cancellationToken = default)
    {
        template.Validate();
        Directory.CreateDirectory(directory);
        int digits = Math.Max(4, count.ToString().Length);
        var paths = new string[count];
        var truth = new string[count];
        long cubeBytes = (long)template.Width * template.Height * template.Channels * 4;
        // Each cube in flight holds itself plus one plane-sized noise buffer: keep them within a quarter of memory.
        long budget = Math.Max(cubeBytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
        int parallel = (int)Math.Clamp(budget / Math.Max(1, cubeBytes), 1, Environment.ProcessorCount);
        int done = 0;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, i =>
        {
            string name = $"cube_{(i + 1).ToString().PadLeft(digits, '0')}.fits";
            var synthetic = SyntheticCubeGenerator.Generate(template with { Seed = firstSeed + i });
            string path = Path.Combine(directory, name);
            SyntheticCubeFile.Write(synthetic, path);
            var csv = new StringBuilder();
            SyntheticCubeFile.AppendTruth(synthetic, name, csv);
            paths[i] = path;
            truth[i] = csv.ToString();
            cubeWritten?.Invoke(Interlocked.Increment(ref done));
        });
        var all = new StringBuilder(SyntheticCubeFile.TruthColumns).Append('\n');
        foreach (string part in truth)
        {
            all.Append(part);
        }
        File.WriteAllText(Path.Combine(directory, TruthFileName), all.ToString());
        return paths;
    }
}
