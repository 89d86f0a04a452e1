namespace Astrolabe.Hub.Tests;

/// <summary>A stand-in for jupyterhub-singleuser, for behaviour the real server does not show reliably (crashing,
/// ignoring SIGINT, outgrowing its memory limit): an executable file in the host's /tmp, deleted on dispose. The hub
/// runs it unsandboxed, because a sandbox gives the server a /tmp of its own where the file is not.</summary>
internal sealed class StandInProgram : IDisposable
{
    public StandInProgram(string name, string text)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}");
        File.WriteAllText(Path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
    }

    public string Path { get; }

    /// <summary>Hub settings that run the stand-in as every user's server, unsandboxed, plus <paramref name="more"/>.</summary>
    public Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Hub:SingleUserCommand"] = Path, ["Hub:Sandbox"] = "None" };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    public void Dispose() => File.Delete(Path);
}
