using System.Security.Claims;
using Astrolabe.Hub.Identity;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Astrolabe.Hub.JupyterApi;

/// <summary>The OAuth 2 authorization-code flow a user's server uses to learn who its visitor is
/// (DESIGN.md appendix A, steps 3–4). Clients are the servers themselves: `jupyterhub-user-{name}`, whose secret
/// is the server's own API token.</summary>
public static class OAuthEndpoints
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    public static void MapOAuth(this RouteGroupBuilder api)
    {
        api.MapGet("/oauth2/authorize", Authorize);
        api.MapPost("/oauth2/token", Token).DisableAntiforgery();
    }

    /// <summary>The owner of the server a client id names, if such a server is starting or running.</summary>
    private static async Task<(string Owner, string Server)?> ClientAsync(string? clientId, HubStore store, CancellationToken ct)
    {
        if (!ServerSessions.TryParseClientId(clientId, out var owner, out var name)) return null;
        var server = await store.FindServerAsync(owner, name, ct);
        return server is { State: ServerState.Running or ServerState.Starting } ? (owner, name) : null;
    }

    private static bool RedirectMatches(string redirectUri, string owner, string server, HttpRequest request)
    {
        var expected = ServerSessions.Prefix(owner, server) + "oauth_callback";
        if (redirectUri == expected) return true;
        return Uri.TryCreate(redirectUri, UriKind.Absolute, out var u) && u.AbsolutePath == expected &&
               string.Equals(u.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<IResult> Authorize(HttpContext http, HubStore store, CancellationToken ct,
        string? client_id, string? redirect_uri, string? response_type, string? state)
    {
        var auth = await http.AuthenticateAsync(HubAuthentication.SchemeName);
        if (!auth.Succeeded)
            return Results.Redirect("/hub/login?next=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
        var me = auth.Principal!;
        if (response_type != "code") return HubErrors.Result(400, "response_type must be 'code'.");
        if (await ClientAsync(client_id, store, ct) is not { } client)
            return HubErrors.Result(400, $"Unknown OAuth client '{client_id}': no such server is running.");
        if (redirect_uri is null || !RedirectMatches(redirect_uri, client.Owner, client.Server, http.Request))
            return HubErrors.Result(400, $"redirect_uri '{redirect_uri}' does not belong to client '{client_id}'.");
        if (!Scopes.Allows(me, Scopes.AccessServers, client.Owner, client.Server))
            return HubErrors.Result(403, $"You may not access the server of user '{client.Owner}'.");
        var visitor = await store.FindUserAsync(me.Identity!.Name!, ct);
        if (visitor is null) return HubErrors.Result(403, "Only users can sign in to notebook servers.");
        var code = Secrets.New();
        await store.AddOAuthCodeAsync(Secrets.Hash(code), client_id!, visitor.Id, redirect_uri, me.FindFirst(Scopes.SessionClaim)?.Value,
            DateTimeOffset.UtcNow + CodeLifetime, ct);
        var separator = redirect_uri.Contains('?') ? '&' : '?';
        return Results.Redirect($"{redirect_uri}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state ?? "")}");
    }

    private static async Task<IResult> Token(HttpContext http, HubStore store, Accounts accounts, HubOptions options, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) return OAuthError("invalid_request", "Send the token request as application/x-www-form-urlencoded.");
        if (http.Request.ContentLength > options.MaxApiBodyBytes) return OAuthError("invalid_request", "Request too large.", 413);
        var form = await http.Request.ReadFormAsync(ct);
        string? clientId = form["client_id"], secret = form["client_secret"];
        if (http.Request.Headers.Authorization.ToString() is { } basic && basic.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..].Trim())).Split(':', 2);
                clientId ??= Uri.UnescapeDataString(pair[0]);
                if (pair.Length == 2) secret ??= Uri.UnescapeDataString(pair[1]);
            }
            catch (FormatException) { return OAuthError("invalid_client", "Malformed Basic authorization header.", 401); }
        }
        if (form["grant_type"] != "authorization_code") return OAuthError("unsupported_grant_type", "Only grant_type=authorization_code is supported.");
        if (await ClientAsync(clientId, store, ct) is not { } client || secret is null)
            return OAuthError("invalid_client", "Unknown client or missing client_secret.", 401);
        var serverToken = await store.FindTokenAsync(Secrets.Hash(secret), ct);
        if (serverToken is not { Kind: TokenKind.Server } || serverToken.UserName != client.Owner || serverToken.ServerName != client.Server)
            return OAuthError("invalid_client", "client_secret does not belong to this client.", 401);
        string? code = form["code"];
        if (code is null || await store.TakeOAuthCodeAsync(Secrets.Hash(code), ct) is not { } grant)
            return OAuthError("invalid_grant", "The code is unknown, already used or expired.");
        if (grant.ClientId != clientId || form["redirect_uri"] != grant.RedirectUri)
            return OAuthError("invalid_grant", "The code was issued to another client or redirect_uri.");
        if (await store.FindUserAsync(grant.UserId, ct) is not { Disabled: false } visitor)
            return OAuthError("invalid_grant", "The user of this code no longer exists or is disabled.");
        string[] scopes = [$"{Scopes.AccessServers}!server={client.Owner}/{client.Server}", $"{Scopes.AccessServers}!user={client.Owner}"];
        var lifetime = TimeSpan.FromHours(options.SessionHours);
        var (token, _) = await accounts.CreateTokenAsync(visitor, scopes, $"OAuth for {clientId}", lifetime, TokenKind.OAuth,
            clientId: clientId, sessionId: grant.SessionId, ct: ct);
        return Results.Json(new Dictionary<string, object?>
        {
            ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = (long)lifetime.TotalSeconds, ["scope"] = string.Join(' ', scopes),
        }, HubJsonContext.Default.DictionaryStringObject);
    }

    private static IResult OAuthError(string error, string description, int status = 400) =>
        Results.Json(new Dictionary<string, object?> { ["error"] = error, ["error_description"] = description, ["status"] = status, ["message"] = description },
            HubJsonContext.Default.DictionaryStringObject, statusCode: status);
}
