using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Tap.Tests.Support;

/// <summary>A real Kestrel server on 127.0.0.1 (random port) with AddTap/MapTap, as the host composes them, plus
/// <see cref="TestAuthentication"/> in place of the hub. Its data root is a fresh temporary directory unless
/// one is given (to restart a service on the same state).</summary>
internal sealed class TapTestServer : IAsyncDisposable
{
    public const int DemoRows = 20_000;

    private readonly WebApplication _app;
    private readonly bool _ownsDataRoot;

    private TapTestServer(WebApplication app, string dataRoot, bool ownsDataRoot, string baseUrl)
    {
        _app = app;
        DataRoot = dataRoot;
        _ownsDataRoot = ownsDataRoot;
        BaseUrl = baseUrl;
    }

    public string DataRoot { get; }

    /// <summary>The TAP base URL, e.g. http://127.0.0.1:41234/tap.</summary>
    public string BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TapTestServer> StartAsync(string? connectionString = null, string? dataRoot = null,
        IDictionary<string, string?>? settings = null, bool demo = true)
    {
        bool owns = dataRoot is null;
        dataRoot ??= Directory.CreateTempSubdirectory("astrolabe-tap-test-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            ["DataRoot"] = dataRoot,
            ["Demo"] = demo ? "true" : "false",
            ["Tap:DemoRows"] = DemoRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (connectionString is not null)
        {
            configuration["Tap:ConnectionString"] = connectionString;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddAuthentication(TestAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthentication>(TestAuthentication.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddTap(builder.Configuration);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapTap();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            if (owns)
            {
                Directory.Delete(dataRoot, recursive: true);
            }
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TapTestServer(app, dataRoot, owns, address.TrimEnd('/') + "/tap");
    }

    /// <summary>A client signed in as <paramref name="user"/> (anonymous when null); redirects are not followed,
    /// so UWS 303 answers can be checked.</summary>
    public HttpClient Client(string? user = null, bool admin = false, bool followRedirects = false)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects }) { Timeout = TimeSpan.FromMinutes(3) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add(TestAuthentication.UserHeader, user);
        }
        if (admin)
        {
            client.DefaultRequestHeaders.Add(TestAuthentication.AdminHeader, "true");
        }
        return client;
    }

    /// <summary>GET /sync with the given parameters; returns status and body.</summary>
    public async Task<(int Status, string Body, string? ContentType)> SyncAsync(string query, string? format = null,
        long? maxRec = null, string? user = null)
    {
        using var client = Client(user);
        var parameters = new Dictionary<string, string> { ["REQUEST"] = "doQuery", ["LANG"] = "ADQL", ["QUERY"] = query };
        if (format is not null)
        {
            parameters["FORMAT"] = format;
        }
        if (maxRec is not null)
        {
            parameters["MAXREC"] = maxRec.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        using var response = await client.PostAsync($"{BaseUrl}/sync", new FormUrlEncodedContent(parameters));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsDataRoot)
        {
            try
            {
                Directory.Delete(DataRoot, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>Reads TABLEDATA VOTables in tests (a deliberately separate, simple reader: XDocument).</summary>
internal static class VoTable
{
    public static readonly XNamespace Ns = "http://www.ivoa.net/xml/VOTable/v1.3";

    public static string? Status(string xml) =>
        XDocument.Parse(xml).Descendants(Ns + "INFO").Where(i => (string?)i.Attribute("name") == "QUERY_STATUS")
            .Select(i => (string?)i.Attribute("value")).LastOrDefault();

    public static string ErrorMessage(string xml) =>
        XDocument.Parse(xml).Descendants(Ns + "INFO").Where(i => (string?)i.Attribute("value") == "ERROR")
            .Select(i => i.Value).FirstOrDefault() ?? "";

    public static List<string> FieldNames(string xml) =>
        XDocument.Parse(xml).Descendants(Ns + "FIELD").Select(f => (string)f.Attribute("name")!).ToList();

    public static List<string?[]> Rows(string xml) =>
        XDocument.Parse(xml).Descendants(Ns + "TR")
            .Select(tr => tr.Elements(Ns + "TD").Select(td => td.IsEmpty ? null : td.Value).ToArray()).ToList();
}
