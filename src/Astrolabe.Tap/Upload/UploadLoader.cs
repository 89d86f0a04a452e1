using System.Data.Common;
using System.Text.RegularExpressions;
using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;
using Astrolabe.Tap.Ingest;
using Astrolabe.Tap.Query;

namespace Astrolabe.Tap.Upload;

/// <summary>Loads the tables named by UPLOAD (TAP 1.1 §4.4: "name,URI;name,URI") into temporary tables on the
/// query's connection, where ADQL reaches them as TAP_UPLOAD.name. The URI is "param:part" for a multipart
/// part of the request, or an http(s) URL fetched here with the same size limit.</summary>
internal static partial class UploadLoader
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 3,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex TableName();

    /// <summary>The (name, URI) pairs of an UPLOAD value, checked for form.</summary>
    public static IReadOnlyList<(string Name, string Uri)> Parse(string? upload)
    {
        var result = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(upload))
        {
            return result;
        }
        foreach (var item in upload.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int comma = item.IndexOf(',');
            if (comma <= 0 || comma == item.Length - 1)
            {
                throw new TapException($"UPLOAD item '{item}' is not of the form name,URI.");
            }
            var name = item[..comma].Trim();
            var uri = item[(comma + 1)..].Trim();
            if (!TableName().IsMatch(name))
            {
                throw new TapException($"UPLOAD table name '{name}' is not an ADQL identifier (a letter, then letters, digits or _).");
            }
            if (result.Any(r => string.Equals(r.Item1, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new TapException($"UPLOAD names table '{name}' twice.");
            }
            result.Add((name, uri));
        }
        return result;
    }

    /// <summary>Fetches, parses and loads every upload; returns the tables to add to the catalogue.</summary>
    public static async Task<IReadOnlyList<TableInfo>> LoadAsync(CatalogDatabase db, DbConnection connection,
        TapParameters parameters, TapOptions options, string scratchDirectory, CancellationToken ct)
    {
        var tables = new List<TableInfo>();
        foreach (var (name, uri) in Parse(parameters.Upload))
        {
            string file;
            bool downloaded = false;
            if (uri.StartsWith("param:", StringComparison.OrdinalIgnoreCase))
            {
                var part = uri["param:".Length..];
                if (!parameters.UploadFiles.TryGetValue(part, out file!))
                {
                    throw new TapException($"UPLOAD table '{name}' refers to request part '{part}', but the request has no such file part.");
                }
            }
            else if (Uri.TryCreate(uri, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            {
                file = await DownloadAsync(url, name, options.MaxUploadBytes, scratchDirectory, ct);
                downloaded = true;
            }
            else
            {
                throw new TapException($"UPLOAD table '{name}': '{uri}' is neither param:NAME nor an http(s) URL.");
            }
            try
            {
                tables.Add(await LoadTableAsync(db, connection, name, file, ct));
            }
            finally
            {
                if (downloaded)
                {
                    File.Delete(file);
                }
            }
        }
        return tables;
    }

    private static async Task<string> DownloadAsync(Uri url, string name, long limit, string scratchDirectory, CancellationToken ct)
    {
        Directory.CreateDirectory(scratchDirectory);
        var path = Path.Combine(scratchDirectory, Guid.NewGuid().ToString("N"));
        try
        {
            using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new TapException($"UPLOAD table '{name}': {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            if (response.Content.Headers.ContentLength > limit)
            {
                throw new TapException($"UPLOAD table '{name}': {url} is {response.Content.Headers.ContentLength} bytes; the limit is {limit} bytes.", 413);
            }
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await using var target = File.Create(path);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw new TapException($"UPLOAD table '{name}': {url} is larger than the limit of {limit} bytes.", 413);
                }
                await target.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            return path;
        }
        catch (HttpRequestException ex)
        {
            File.Delete(path);
            throw new TapException($"UPLOAD table '{name}': {url} could not be fetched: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            File.Delete(path);
            throw new TapException($"UPLOAD table '{name}': {url} did not answer in time.");
        }
        catch (TapException)
        {
            File.Delete(path);
            throw;
        }
    }

    private static async Task<TableInfo> LoadTableAsync(CatalogDatabase db, DbConnection connection, string name, string file,
        CancellationToken ct)
    {
        VoTableSource source;
        try
        {
            source = new VoTableSource(file);
        }
        catch (TableFormatException ex)
        {
            throw new TapException($"UPLOAD table '{name}' is not a usable VOTable: {ex.Message}");
        }
        using (source)
        {
            var columns = source.Columns;
            var duplicate = columns.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new TapException($"UPLOAD table '{name}' has two columns named '{duplicate.Key}'.");
            }
            var sqlName = db.UploadSqlName(name);
            var bareName = SqlDialect.QuoteIdentifier("upload_" + name);
            var definitions = string.Join(", ", columns.Select(c => $"{SqlDialect.QuoteIdentifier(c.Name)} {db.SqlType(c.Type)}"));
            await CatalogDatabase.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {sqlName}", ct);
            await CatalogDatabase.ExecuteAsync(connection, $"CREATE TEMP TABLE {bareName} ({definitions})", ct);
            try
            {
                await db.BulkInsertAsync(connection, sqlName, columns, source, null, ct);
            }
            catch (TableFormatException ex)
            {
                throw new TapException($"UPLOAD table '{name}' is not a usable VOTable: {ex.Message}");
            }
            var table = new PublishedTable("TAP_UPLOAD", name, sqlName, null, columns);
            return table.ToTableInfo();
        }
    }

    /// <summary>Drops a request's upload tables (pooled SQLite connections would otherwise keep them).</summary>
    public static async Task DropAsync(CatalogDatabase db, DbConnection connection, IEnumerable<TableInfo> uploads)
    {
        foreach (var table in uploads)
        {
            try
            {
                await CatalogDatabase.ExecuteAsync(connection, $"DROP TABLE IF EXISTS {table.SqlName}", CancellationToken.None);
            }
            catch (DbException)
            {
                // The connection is broken: its temporary tables go with it.
            }
        }
    }
}
