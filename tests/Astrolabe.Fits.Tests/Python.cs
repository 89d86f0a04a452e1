using System.Diagnostics;
using System.Text.Json;

namespace Astrolabe.Fits.Tests;

/// <summary>Runs the test scripts with Debian's Python (which has astropy), never the python3 first on PATH.</summary>
internal static class Python
{
    public const string Interpreter = "/usr/bin/python3";

    public static string ScriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "Scripts", name);

    /// <summary>Runs a script from Scripts/ and returns its standard output; fails the test on a non-zero exit.</summary>
    public static string Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ScriptPath(script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start " + Interpreter);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} exited {process.ExitCode}:\n{stderr.Result}");
        return stdout;
    }

    public static JsonElement RunJson(string script, params string[] args) =>
        JsonDocument.Parse(Run(script, args)).RootElement;
}

/// <summary>Where the shared test data lives: ../shared/data relative to the repository root.</summary>
internal static class TestData
{
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Astrolabe.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Repository root (Astrolabe.slnx) not found.");
        }
    }

    public static string AlmaCube => Path.Combine(RepositoryRoot, "..", "shared", "data", "orion-methanol-alma-sv.fits");

    private static readonly string Root = Path.Combine(Path.GetTempPath(), "astrolabe-fits-tests");

    public static void DeleteDirectory(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        try { Directory.Delete(Root); } // once empty
        catch (IOException) { }
    }

    /// <summary>A fresh directory for files made by one test or test class (deleted by its Dispose).</summary>
    public static string NewTempDirectory()
    {
        var path = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
