using Astrolabe.Tap.Catalog;
using Microsoft.Extensions.Options;

namespace Astrolabe.Tap;

/// <summary>Settings of the TAP service, bound from the configuration section <c>Tap</c>.</summary>
public sealed class TapOptions
{
    public const string Section = "Tap";

    /// <summary>Catalogue database. Empty: a SQLite file <c>&lt;DataRoot&gt;/catalog.db</c>. A value starting
    /// with "Data Source=" or ending in ".db" is SQLite; anything with "Host=" is a PostgreSQL (Npgsql) string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Whether queries without a signed-in user are accepted.</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>Time limit of a synchronous query, in seconds.</summary>
    public int SyncTimeoutSeconds { get; set; } = 60;

    /// <summary>Execution duration given to a new asynchronous job, in seconds.</summary>
    public int AsyncTimeoutSeconds { get; set; } = 3600;

    /// <summary>The largest execution duration a user may ask for, in seconds.</summary>
    public int AsyncMaxTimeoutSeconds { get; set; } = 4 * 3600;

    /// <summary>Rows returned when the request gives no MAXREC.</summary>
    public long DefaultMaxRec { get; set; } = 100_000;

    /// <summary>The largest MAXREC a request may ask for.</summary>
    public long MaxRecLimit { get; set; } = 50_000_000;

    /// <summary>The largest uploaded table (inline or by URL), in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The longest ADQL text accepted, in characters.</summary>
    public int MaxQueryLength { get; set; } = 100_000;

    /// <summary>How long an asynchronous job and its result are kept, in days.</summary>
    public int JobLifetimeDays { get; set; } = 7;

    /// <summary>Asynchronous jobs that may run at the same time.</summary>
    public int MaxRunningJobs { get; set; } = 2;

    /// <summary>Rows of the generated demo catalogue (top-level setting <c>Demo</c> = true).</summary>
    public long DemoRows { get; set; } = 1_000_000;

    /// <summary>Resolved at start-up from the top-level <c>DataRoot</c> setting.</summary>
    internal string DataRoot { get; set; } = "./astrolabe-data";

    /// <summary>Resolved at start-up from the top-level <c>Demo</c> setting.</summary>
    internal bool Demo { get; set; }

    internal string ResultsDirectory => Path.Combine(DataRoot, "tap", "results");

    /// <summary>The catalogue database's connection string from configuration (<c>Tap:ConnectionString</c>, else
    /// the SQLite file under <c>DataRoot</c>), for tools that work on the database without the service.</summary>
    public static string CatalogConnectionString(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = new TapOptions
        {
            ConnectionString = configuration[$"{Section}:{nameof(ConnectionString)}"],
            DataRoot = configuration["DataRoot"] is { Length: > 0 } root ? root : "./astrolabe-data",
        };
        return options.EffectiveConnectionString;
    }

    /// <summary>The connection string actually used (the SQLite default filled in).</summary>
    internal string EffectiveConnectionString =>
        string.IsNullOrWhiteSpace(ConnectionString)
            ? $"Data Source={Path.Combine(DataRoot, "catalog.db")}"
            : ConnectionString;
}

/// <summary>Checks <see cref="TapOptions"/> at start-up so a wrong setting fails before the first request.</summary>
internal sealed class TapOptionsValidator : IValidateOptions<TapOptions>
{
    public ValidateOptionsResult Validate(string? name, TapOptions options)
    {
        var failures = new List<string>();
        void Positive(long value, string setting)
        {
            if (value <= 0)
            {
                failures.Add($"{TapOptions.Section}:{setting} must be greater than 0 (it is {value}).");
            }
        }

        Positive(options.SyncTimeoutSeconds, nameof(TapOptions.SyncTimeoutSeconds));
        Positive(options.AsyncTimeoutSeconds, nameof(TapOptions.AsyncTimeoutSeconds));
        Positive(options.AsyncMaxTimeoutSeconds, nameof(TapOptions.AsyncMaxTimeoutSeconds));
        Positive(options.DefaultMaxRec, nameof(TapOptions.DefaultMaxRec));
        Positive(options.MaxRecLimit, nameof(TapOptions.MaxRecLimit));
        Positive(options.MaxUploadBytes, nameof(TapOptions.MaxUploadBytes));
        Positive(options.MaxQueryLength, nameof(TapOptions.MaxQueryLength));
        Positive(options.JobLifetimeDays, nameof(TapOptions.JobLifetimeDays));
        Positive(options.MaxRunningJobs, nameof(TapOptions.MaxRunningJobs));
        Positive(options.DemoRows, nameof(TapOptions.DemoRows));
        if (options.AsyncTimeoutSeconds > options.AsyncMaxTimeoutSeconds)
        {
            failures.Add($"{TapOptions.Section}:AsyncTimeoutSeconds ({options.AsyncTimeoutSeconds}) must not exceed " +
                         $"{TapOptions.Section}:AsyncMaxTimeoutSeconds ({options.AsyncMaxTimeoutSeconds}).");
        }
        if (options.DefaultMaxRec > options.MaxRecLimit)
        {
            failures.Add($"{TapOptions.Section}:DefaultMaxRec ({options.DefaultMaxRec}) must not exceed " +
                         $"{TapOptions.Section}:MaxRecLimit ({options.MaxRecLimit}).");
        }
        if (CatalogDatabase.Detect(options.EffectiveConnectionString) is null)
        {
            failures.Add($"{TapOptions.Section}:ConnectionString is neither a SQLite (\"Data Source=FILE\") nor a " +
                         "PostgreSQL (\"Host=...;Database=...\") connection string.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
