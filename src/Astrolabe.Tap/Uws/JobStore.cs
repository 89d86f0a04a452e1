using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Astrolabe.Tap.Catalog;

namespace Astrolabe.Tap.Uws;

/// <summary>Asynchronous jobs kept in the catalogue database, so they survive a restart and are shared by
/// replicas. Times are stored as ISO 8601 UTC text, which sorts and compares the same on both backends.</summary>
internal sealed partial class JobStore(TapService tap)
{
    /// <summary>Parameters and uploads are stored as JSON objects; generated at compile time (kept by trimmed and native builds).</summary>
    [JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
    [JsonSerializable(typeof(Dictionary<string, string>))]
    private sealed partial class ParameterJson : JsonSerializerContext;

    private const string Columns =
        "id, owner, run_id, phase, creation_time, start_time, end_time, execution_duration, destruction, " +
        "parameters, uploads, error, result_rows, overflow, result_type, result_file";

    private CatalogDatabase Db => tap.Database;

    private static string Table(CatalogDatabase db) => db.TableSqlName("astrolabe_tap", "uws_jobs");

    public static async Task EnsureCreatedAsync(CatalogDatabase db, DbConnection connection, CancellationToken ct)
    {
        await db.EnsureSchemaAsync(connection, "astrolabe_tap", ct);
        string text = db.SqlType(Adql.AdqlType.VarChar), integer = db.SqlType(Adql.AdqlType.BigInt);
        await CatalogDatabase.ExecuteAsync(connection,
            $"CREATE TABLE IF NOT EXISTS {Table(db)} (id {text} PRIMARY KEY, owner {text}, run_id {text}, phase {text} NOT NULL, " +
            $"creation_time {text} NOT NULL, start_time {text}, end_time {text}, execution_duration {integer} NOT NULL, " +
            $"destruction {text} NOT NULL, parameters {text} NOT NULL, uploads {text}, error {text}, result_rows {integer}, " +
            $"overflow {integer}, result_type {text}, result_file {text})", ct);
        var index = SqlDialect(db, "uws_jobs_owner");
        await CatalogDatabase.ExecuteAsync(connection, $"CREATE INDEX IF NOT EXISTS {index} ON {Table(db)} (owner, creation_time)", ct);
    }

    private static string SqlDialect(CatalogDatabase db, string name) => Adql.SqlDialect.QuoteIdentifier(name);

    public static string Time(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTime? ParseTime(DbDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : DateTime.Parse(reader.GetString(i), CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static (string, object?)[] Values(UwsJob job) =>
    [
        ("@id", job.Id), ("@owner", job.Owner), ("@run", job.RunId), ("@phase", job.Phase),
        ("@created", Time(job.CreationTime)), ("@start", job.StartTime is { } s ? Time(s) : null),
        ("@end", job.EndTime is { } e ? Time(e) : null), ("@duration", (long)job.ExecutionDuration),
        ("@destruction", Time(job.Destruction)), ("@parameters", JsonSerializer.Serialize(job.Parameters, ParameterJson.Default.IReadOnlyDictionaryStringString)),
        ("@uploads", JsonSerializer.Serialize(job.UploadFiles, ParameterJson.Default.IReadOnlyDictionaryStringString)), ("@error", job.Error), ("@rows", job.ResultRows),
        ("@overflow", job.Overflow ? 1L : 0L), ("@rtype", job.ResultType), ("@rfile", job.ResultFile),
    ];

    public async Task InsertAsync(UwsJob job, CancellationToken ct)
    {
        await using var connection = await Db.OpenAsync(ct);
        await CatalogDatabase.ExecuteAsync(connection,
            $"INSERT INTO {Table(Db)} ({Columns}) VALUES (@id, @owner, @run, @phase, @created, @start, @end, @duration, " +
            "@destruction, @parameters, @uploads, @error, @rows, @overflow, @rtype, @rfile)", ct, Values(job));
    }

    /// <summary>Writes <paramref name="job"/> if the stored phase is one of <paramref name="fromPhases"/>
    /// (all phases when empty); false when another change got there first.</summary>
    public async Task<bool> UpdateAsync(UwsJob job, CancellationToken ct, params string[] fromPhases)
    {
        await using var connection = await Db.OpenAsync(ct);
        var condition = fromPhases.Length == 0
            ? ""
            : " AND phase IN (" + string.Join(", ", fromPhases.Select((_, i) => "@from" + i)) + ")";
        var parameters = Values(job).Concat(fromPhases.Select((p, i) => ("@from" + i, (object?)p))).ToArray();
        int changed = await CatalogDatabase.ExecuteAsync(connection,
            $"UPDATE {Table(Db)} SET owner = @owner, run_id = @run, phase = @phase, creation_time = @created, " +
            "start_time = @start, end_time = @end, execution_duration = @duration, destruction = @destruction, " +
            "parameters = @parameters, uploads = @uploads, error = @error, result_rows = @rows, overflow = @overflow, " +
            $"result_type = @rtype, result_file = @rfile WHERE id = @id{condition}", ct, parameters);
        return changed == 1;
    }

    public async Task<UwsJob?> GetAsync(string id, CancellationToken ct)
    {
        var jobs = await QueryAsync($"SELECT {Columns} FROM {Table(Db)} WHERE id = @id", ct, ("@id", id));
        return jobs.Count == 1 ? jobs[0] : null;
    }

    /// <summary>The jobs of one owner, newest last, optionally filtered as UWS 1.1 §2.2.2.1 describes.</summary>
    public async Task<IReadOnlyList<UwsJob>> ListAsync(string owner, IReadOnlyCollection<string> phases, DateTime? after,
        int? last, CancellationToken ct)
    {
        var sql = $"SELECT {Columns} FROM {Table(Db)} WHERE owner = @owner";
        var parameters = new List<(string, object?)> { ("@owner", owner) };
        if (phases.Count > 0)
        {
            sql += " AND phase IN (" + string.Join(", ", phases.Select((_, i) => "@p" + i)) + ")";
            parameters.AddRange(phases.Select((p, i) => ("@p" + i, (object?)p)));
        }
        else
        {
            sql += " AND phase <> 'ARCHIVED'";
        }
        if (after is { } a)
        {
            sql += " AND creation_time > @after";
            parameters.Add(("@after", Time(a)));
        }
        sql += " ORDER BY creation_time DESC";
        if (last is { } n)
        {
            sql += $" LIMIT {n.ToString(CultureInfo.InvariantCulture)}";
        }
        var jobs = await QueryAsync(sql, ct, parameters.ToArray());
        jobs.Reverse();
        return jobs;
    }

    /// <summary>Jobs in the given phases, whoever owns them (for the runner after a restart).</summary>
    public Task<List<UwsJob>> InPhasesAsync(CancellationToken ct, params string[] phases) =>
        QueryAsync($"SELECT {Columns} FROM {Table(Db)} WHERE phase IN (" + string.Join(", ", phases.Select((_, i) => "@p" + i)) +
                   ") ORDER BY creation_time", ct, phases.Select((p, i) => ("@p" + i, (object?)p)).ToArray());

    public Task<List<UwsJob>> ExpiredAsync(DateTime now, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM {Table(Db)} WHERE destruction < @now", ct, ("@now", Time(now)));

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        await using var connection = await Db.OpenAsync(ct);
        await CatalogDatabase.ExecuteAsync(connection, $"DELETE FROM {Table(Db)} WHERE id = @id", ct, ("@id", id));
    }

    private async Task<List<UwsJob>> QueryAsync(string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var connection = await Db.OpenAsync(ct);
        await using var command = CatalogDatabase.Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var jobs = new List<UwsJob>();
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            jobs.Add(new UwsJob
            {
                Id = reader.GetString(0),
                Owner = Text(1),
                RunId = Text(2),
                Phase = reader.GetString(3),
                CreationTime = ParseTime(reader, 4)!.Value,
                StartTime = ParseTime(reader, 5),
                EndTime = ParseTime(reader, 6),
                ExecutionDuration = (int)reader.GetInt64(7),
                Destruction = ParseTime(reader, 8)!.Value,
                Parameters = JsonSerializer.Deserialize(reader.GetString(9), ParameterJson.Default.DictionaryStringString) ?? [],
                UploadFiles = Text(10) is { } u ? JsonSerializer.Deserialize(u, ParameterJson.Default.DictionaryStringString) ?? [] : [],
                Error = Text(11),
                ResultRows = reader.IsDBNull(12) ? null : reader.GetInt64(12),
                Overflow = !reader.IsDBNull(13) && reader.GetInt64(13) != 0,
                ResultType = Text(14),
                ResultFile = Text(15),
            });
        }
        return jobs;
    }
}
