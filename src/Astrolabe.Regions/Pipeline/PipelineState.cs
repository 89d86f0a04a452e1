using System.Text.Json;
using System.Text.Json.Serialization;
using Astrolabe.Regions.Catalogue;

namespace Astrolabe.Regions.Pipeline;

/// <summary>One cube's entry in the resumption state: which file (and which version of it), how it ended, its regions.</summary>
public sealed record CubeRecord
{
    public required string Key { get; init; }
    public required string File { get; init; }
    public long Size { get; init; }
    public long ModifiedTicks { get; init; }
    public bool Succeeded { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
    public IReadOnlyList<RegionOfInterest> Regions { get; init; } = [];
}

/// <summary>The sidecar file next to the catalogue (<c>catalogue.vot.state</c>) that makes a run resumable: one JSON line per
/// finished cube, appended and flushed as each cube ends, so an interrupted run loses only the cubes in flight.</summary>
/// <remarks>The first line records the finder settings; a run with different settings starts afresh. A cube is skipped on
/// the next run only if it succeeded and its size and modification time are unchanged.</remarks>
public sealed partial class PipelineState : IDisposable
{
    /// <summary>The state file's JSON, generated at compile time (kept by trimmed and native builds).</summary>
    [JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
    [JsonSerializable(typeof(CubeRecord))]
    [JsonSerializable(typeof(Detection.FinderOptions))]
    [JsonSerializable(typeof(Dictionary<string, string>))]
    private sealed partial class StateJson : JsonSerializerContext;

    private static StateJson Json => StateJson.Default;

    private readonly Dictionary<string, CubeRecord> _records = new(StringComparer.Ordinal);
    private readonly StreamWriter _writer;
    private readonly object _gate = new();

    private PipelineState(string path, StreamWriter writer)
    {
        Path = path;
        _writer = writer;
    }

    public string Path { get; }

    public static string PathFor(string catalogue) => catalogue + ".state";

    /// <summary>Opens the state for <paramref name="settings"/>: keeps what an earlier run with the same settings recorded
    /// (when <paramref name="resume"/>), otherwise starts a new file.</summary>
    public static PipelineState Open(string path, string settings, bool resume)
    {
        var kept = new List<CubeRecord>();
        if (resume && File.Exists(path))
        {
            using var reader = new StreamReader(path);
            string? first = reader.ReadLine();
            if (first is not null && ReadSettings(first) == settings)
            {
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    // A line cut short by a crash is ignored: its cube is simply processed again.
                    try
                    {
                        if (JsonSerializer.Deserialize(line, Json.CubeRecord) is { } record) kept.Add(record);
                    }
                    catch (JsonException)
                    {
                    }
                }
            }
        }
        // Rewrite compactly: the settings line, then the last record of each cube.
        var latest = new Dictionary<string, CubeRecord>(StringComparer.Ordinal);
        foreach (var r in kept) latest[r.Key] = r;
        var writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { NewLine = "\n" };
        writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["settings"] = settings }, Json.DictionaryStringString));
        var state = new PipelineState(path, writer);
        foreach (var r in latest.Values)
        {
            state._records[r.Key] = r;
            writer.WriteLine(JsonSerializer.Serialize(r, Json.CubeRecord));
        }
        writer.Flush();
        return state;
    }

    /// <summary>The earlier successful record of this exact file version, or null.</summary>
    public CubeRecord? Done(string key, long size, long modifiedTicks)
    {
        lock (_gate)
        {
            return _records.TryGetValue(key, out var r) && r.Succeeded && r.Size == size && r.ModifiedTicks == modifiedTicks ? r : null;
        }
    }

    public void Record(CubeRecord record)
    {
        string line = JsonSerializer.Serialize(record, Json.CubeRecord);
        lock (_gate)
        {
            _records[record.Key] = record;
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    public void Dispose() => _writer.Dispose();

    private static string? ReadSettings(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("settings", out var s) ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A stable text form of the finder settings, for comparing runs.</summary>
    public static string Describe(Detection.FinderOptions options) => JsonSerializer.Serialize(options, Json.FinderOptions);
}
