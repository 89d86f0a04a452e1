using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Astrolabe.Hub;
using Astrolabe.Hub.Identity;
using Astrolabe.Hub.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Tests;

/// <summary>A real hub on a free loopback port with its own data root, as `astrolabe serve` composes it.</summary>
public sealed partial class HubHost : IAsyncDisposable
{
    public WebApplication App { get; }
    public Uri Url { get; }
    public string DataRoot { get; }
    /// <summary>What the hub has logged (information and above), for failure messages.</summary>
    public MemoryLog Log { get; }
    public Accounts Accounts => App.Services.GetRequiredService<Accounts>();
    public ServerSessions Sessions => App.Services.GetRequiredService<ServerSessions>();
    private readonly bool _ownsDataRoot;

    private HubHost(WebApplication app, Uri url, string dataRoot, bool ownsDataRoot, MemoryLog log)
    {
        App = app; Url = url; DataRoot = dataRoot; _ownsDataRoot = ownsDataRoot; Log = log;
    }

    public static async Task<HubHost> StartAsync(IDictionary<string, string?>? settings = null, string? dataRoot = null, int? port = null)
    {
        var owns = dataRoot is null;
        dataRoot ??= Path.Combine(Path.GetTempPath(), "astrolabe-test-" + Guid.NewGuid().ToString("N")[..10]);
        port ??= FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var config = new Dictionary<string, string?>
        {
            ["DataRoot"] = dataRoot,
            ["Listen"] = url.ToString(),
            ["Hub:PasswordIterations"] = "10000", // fast hashing keeps tests quick; production default is 210000
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(config);
        builder.WebHost.UseUrls(url.ToString());
        builder.Logging.ClearProviders();
        var log = new MemoryLog();
        builder.Logging.AddProvider(log);
        builder.Services.AddHub(builder.Configuration);
        var app = builder.Build();
        app.MapHub();
        await app.StartAsync();
        return new HubHost(app, url, dataRoot, owns, log);
    }

    public async Task<string> AddUserAsync(string name, bool admin = false)
    {
        var password = "pw-" + Secrets.New()[..12];
        await Accounts.AddUserAsync(name, admin, password);
        return password;
    }

    /// <summary>An HTTP client with its own cookie jar, like one browser.</summary>
    public Browserless NewClient(bool followRedirects = true) => new(Url, followRedirects);

    public async ValueTask DisposeAsync()
    {
        try { await Sessions.StopAllAsync(CancellationToken.None); } catch { /* best effort */ }
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDataRoot) try { Directory.Delete(DataRoot, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>An HttpClient with a cookie jar that can log in through the real login form.</summary>
public sealed partial class Browserless : IDisposable
{
    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }
    public Uri Base { get; }

    public Browserless(Uri baseUrl, bool followRedirects)
    {
        Base = baseUrl;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = followRedirects, UseProxy = false })
        { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    [GeneratedRegex("name=\"_xsrf\" value=\"([^\"]+)\"")]
    private static partial Regex XsrfField();

    public static string Xsrf(string html) => WebUtility.HtmlDecode(XsrfField().Match(html) is { Success: true } m ? m.Groups[1].Value
        : throw new InvalidOperationException("no antiforgery field on the page"));

    /// <summary>Fetches a page and posts one of its forms with the page's antiforgery token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pagePath, string action, params (string Name, string Value)[] fields)
    {
        var page = await Http.GetStringAsync(pagePath);
        var form = new List<KeyValuePair<string, string>> { new("_xsrf", Xsrf(page)) };
        form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await Http.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public async Task<HttpResponseMessage> LoginAsync(string user, string password) =>
        await SubmitAsync("/hub/login", "/hub/login", ("username", user), ("password", password));

    public void Dispose() => Http.Dispose();
}
