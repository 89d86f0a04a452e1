namespace Astrolabe.Tap.Uws;

/// <summary>UWS 1.1 execution phases.</summary>
internal static class UwsPhase
{
    public const string Pending = "PENDING";
    public const string Queued = "QUEUED";
    public const string Executing = "EXECUTING";
    public const string Completed = "COMPLETED";
    public const string Error = "ERROR";
    public const string Aborted = "ABORTED";
    public const string Archived = "ARCHIVED";

    public static readonly string[] All = [Pending, Queued, Executing, Completed, Error, Aborted, "UNKNOWN", "HELD", "SUSPENDED", Archived];

    public static bool IsActive(string phase) => phase is Pending or Queued or Executing;

    public static bool IsFinal(string phase) => phase is Completed or Error or Aborted or Archived;
}

/// <summary>An asynchronous TAP query (a UWS job) as stored in the catalogue database.</summary>
internal sealed record UwsJob
{
    public required string Id { get; init; }

    /// <summary>The user name of the owner; null for a job created anonymously.</summary>
    public string? Owner { get; init; }

    public string? RunId { get; init; }

    public required string Phase { get; init; }

    public required DateTime CreationTime { get; init; }

    public DateTime? StartTime { get; init; }

    public DateTime? EndTime { get; init; }

    /// <summary>Seconds the job may run; 0 means the service's hard limit.</summary>
    public required int ExecutionDuration { get; init; }

    public required DateTime Destruction { get; init; }

    /// <summary>The job's TAP parameters (names as given, values as strings).</summary>
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>Inline upload parts: part name → stored file.</summary>
    public IReadOnlyDictionary<string, string> UploadFiles { get; init; } = new Dictionary<string, string>();

    public string? Error { get; init; }

    public long? ResultRows { get; init; }

    public bool Overflow { get; init; }

    /// <summary>Media type of the result file.</summary>
    public string? ResultType { get; init; }

    /// <summary>File name of the result, inside the job's results directory.</summary>
    public string? ResultFile { get; init; }
}
