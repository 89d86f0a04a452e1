using System.Net;
using Microsoft.AspNetCore.Http;

namespace Astrolabe.Tap.Vosi;

/// <summary>/tap, /tap/capabilities, /tap/availability, /tap/tables and /tap/examples: public metadata.</summary>
internal static class VosiEndpoints
{
    private const string XmlType = "text/xml; charset=utf-8";

    public static Task HomeAsync(HttpContext http)
    {
        var baseUrl = WebUtility.HtmlEncode(TapHttp.BaseUrl(http.Request));
        return TapHttp.TextAsync(http,
            "<!DOCTYPE html><html><head><title>Astrolabe TAP service</title></head><body>" +
            "<h1>Astrolabe TAP service</h1><p>An IVOA TAP 1.1 service speaking ADQL 2.1. Point pyvo or TOPCAT at " +
            $"<code>{baseUrl}</code>.</p><ul>" +
            $"<li><a href=\"{baseUrl}/capabilities\">capabilities</a></li><li><a href=\"{baseUrl}/tables\">tables</a></li>" +
            $"<li><a href=\"{baseUrl}/examples\">examples</a></li><li><a href=\"{baseUrl}/availability\">availability</a></li>" +
            "</ul></body></html>", 200, "text/html; charset=utf-8");
    }

    public static Task CapabilitiesAsync(HttpContext http, TapService tap) =>
        TapHttp.TextAsync(http, VosiDocuments.Capabilities(TapHttp.BaseUrl(http.Request), tap.Options), 200, XmlType);

    public static Task AvailabilityAsync(HttpContext http, TapService tap) =>
        TapHttp.TextAsync(http, VosiDocuments.Availability(tap.Unavailable, tap.StartedAt, tap.RunningQueries), 200, XmlType);

    public static async Task TablesAsync(HttpContext http, TapService tap)
    {
        var catalog = await tap.GetCatalogAsync(http.RequestAborted);
        var detail = http.Request.Query.FirstOrDefault(q => q.Key.Equals("detail", StringComparison.OrdinalIgnoreCase)).Value.ToString();
        await TapHttp.TextAsync(http, VosiDocuments.TableSet(catalog.Published, detail.Equals("min", StringComparison.OrdinalIgnoreCase)), 200, XmlType);
    }

    public static async Task TableAsync(HttpContext http, string name, TapService tap)
    {
        var catalog = await tap.GetCatalogAsync(http.RequestAborted);
        var table = catalog.Published.FirstOrDefault(t => t.QualifiedName.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (table is null)
        {
            await TapHttp.TextAsync(http, $"No published table '{name}'; see /tap/tables.", 404);
            return;
        }
        await TapHttp.TextAsync(http, VosiDocuments.TableSet(catalog.Published, false, table), 200, XmlType);
    }

    public static async Task ExamplesAsync(HttpContext http, TapService tap)
    {
        var catalog = await tap.GetCatalogAsync(http.RequestAborted);
        await TapHttp.TextAsync(http, Examples.Document(catalog.Published), 200, "application/xhtml+xml; charset=utf-8");
    }
}
