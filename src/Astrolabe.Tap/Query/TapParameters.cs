using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Astrolabe.Tap.Query;

/// <summary>A TAP request's parameters: names case-insensitive (DALI), first value wins, unknown ones kept
/// but ignored; inline UPLOAD parts saved to files so sync and async requests are treated alike.</summary>
internal sealed class TapParameters
{
    public TapParameters(IDictionary<string, string>? values = null, IDictionary<string, string>? uploadFiles = null)
    {
        Values = new Dictionary<string, string>(values ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        UploadFiles = new Dictionary<string, string>(uploadFiles ?? new Dictionary<string, string>(), StringComparer.Ordinal);
    }

    /// <summary>Parameter values by name (any case).</summary>
    public Dictionary<string, string> Values { get; }

    /// <summary>Inline upload parts: multipart part name → file holding its content.</summary>
    public Dictionary<string, string> UploadFiles { get; }

    public string? this[string name] => Values.TryGetValue(name, out var value) ? value : null;

    public string? Query => this["QUERY"];

    public string? Lang => this["LANG"];

    public string? Format => this["RESPONSEFORMAT"] ?? this["FORMAT"];

    public string? Upload => this["UPLOAD"];

    public string? RunId => this["RUNID"];

    /// <summary>MAXREC as given; throws <see cref="TapException"/> when it is not a non-negative integer.</summary>
    public long? MaxRec
    {
        get
        {
            var text = this["MAXREC"];
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }
            if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < 0)
            {
                throw new TapException($"MAXREC must be a non-negative integer, not '{text}'.");
            }
            return value;
        }
    }

    /// <summary>Reads the query string and, for POST, the form (urlencoded or multipart). Inline upload parts
    /// are copied to <paramref name="uploadDirectory"/>, each at most <paramref name="maxUploadBytes"/>.</summary>
    public static async Task<TapParameters> ReadAsync(HttpRequest request, string uploadDirectory, long maxUploadBytes,
        CancellationToken ct)
    {
        var parameters = new TapParameters();
        foreach (var (name, values) in request.Query)
        {
            parameters.Values.TryAdd(name, values.ToString());
        }
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(ct);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                throw new TapException($"The request body is not a readable form: {ex.Message}");
            }
            foreach (var (name, values) in form)
            {
                parameters.Values.TryAdd(name, values.ToString());
            }
            foreach (var file in form.Files)
            {
                if (file.Length > maxUploadBytes)
                {
                    throw new TapException(
                        $"Upload '{file.Name}' is {file.Length} bytes; the limit is {maxUploadBytes} bytes.", 413);
                }
                Directory.CreateDirectory(uploadDirectory);
                var path = Path.Combine(uploadDirectory, Guid.NewGuid().ToString("N"));
                await using (var target = File.Create(path))
                {
                    await file.CopyToAsync(target, ct);
                }
                parameters.UploadFiles[file.Name] = path;
            }
        }
        return parameters;
    }
}

/// <summary>A request the service refuses, with the HTTP status and the message for the error VOTable.</summary>
internal sealed class TapException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}
