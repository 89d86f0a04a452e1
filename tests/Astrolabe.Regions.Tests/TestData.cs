using System.Diagnostics;

namespace Astrolabe.Regions.Tests;

/// <summary>Where test inputs live and where a test may write.</summary>
internal static class TestData
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The real ALMA Science Verification cube (Orion KL, methanol), read from ../shared/data.</summary>
    public static string AlmaCube => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "orion-methanol-alma-sv.fits"));

    private static readonly string TempParent = Path.Combine(Path.GetTempPath(), "astrolabe-regions-tests");
    private static readonly string TempRoot = Path.Combine(TempParent, Guid.NewGuid().ToString("N"));

    static TestData()
    {
        // The test host is not always allowed to run exit handlers, so each run removes what earlier runs left
        // (older than an hour, so a run in parallel keeps its files).
        if (!Directory.Exists(TempParent)) return;
        foreach (var old in new DirectoryInfo(TempParent).EnumerateDirectories())
        {
            if (old.LastWriteTimeUtc > DateTime.UtcNow.AddHours(-1)) continue;
            try
            {
                old.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public static string NewTempDirectory()
    {
        string path = Path.Combine(TempRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Astrolabe.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Astrolabe.slnx) above " + AppContext.BaseDirectory);
    }
}

/// <summary>Runs Debian's Python (/usr/bin/python3, which has astropy, matplotlib and nbclient) on a script.</summary>
internal static class Python
{
    public const string Executable = "/usr/bin/python3";

    public static string Run(string script, params string[] args) => Run(script, new Dictionary<string, string>(), args);

    public static string Run(string script, IDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"python exited {process.ExitCode}:\n{stderr.Result}\n{stdout.Result}");
        }
        return stdout.Result;
    }
}
