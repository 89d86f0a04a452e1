using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Astrolabe.Hub.Identity;

/// <summary>The one authentication scheme every service reads: `Authorization: token X` or `Bearer X` (any case)
/// for programs, the `astrolabe-session` cookie for browsers. An unknown token fails (it never falls back to the cookie).</summary>
public sealed class HubAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, HubIdentity identity)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "astrolabe";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadToken(Request) is { } token)
        {
            var principal = await identity.FromTokenAsync(token, Context.RequestAborted);
            return principal is null ? AuthenticateResult.Fail("invalid, expired or revoked token")
                : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
        }
        // The browser cookie may read the API but not change anything through it: pages that change things are forms
        // with antiforgery tokens, so a script on another page (or in a user's server) cannot act with the cookie.
        if (Request.Path.StartsWithSegments("/hub/api") && !HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method))
            return AuthenticateResult.NoResult();
        if (Request.Cookies.TryGetValue(HubIdentity.SessionCookie, out var session) && session.Length is > 0 and < 200)
        {
            var principal = await identity.FromSessionAsync(session, Context.RequestAborted);
            return principal is null ? AuthenticateResult.Fail("unknown or expired session")
                : AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
        }
        return AuthenticateResult.NoResult();
    }

    /// <summary>The token from an `Authorization: token X` or `Bearer X` header, if any.</summary>
    public static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ');
        if (space <= 0) return null;
        var kind = header[..space];
        if (!kind.Equals("token", StringComparison.OrdinalIgnoreCase) && !kind.Equals("bearer", StringComparison.OrdinalIgnoreCase)) return null;
        var token = header[(space + 1)..].Trim();
        return token.Length is > 0 and < 512 ? token : null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (IsApi(Request))
        {
            // JupyterHub answers unauthenticated API calls with 403; jupyterhub-singleuser depends on it.
            await HubErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "Authentication required: send 'Authorization: token <token>'.");
            return;
        }
        var next = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(next));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        HubErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "You are not allowed to do this.");

    private static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/hub/api") || request.Headers.Accept.ToString().Contains("application/json");
}
