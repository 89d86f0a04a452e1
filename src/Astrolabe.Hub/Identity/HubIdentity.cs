using System.Collections.Concurrent;
using System.Security.Claims;
using Astrolabe.Hub.State;

namespace Astrolabe.Hub.Identity;

/// <summary>Turns a presented secret (API token or browser session id) into a principal with resolved scopes.
/// Hits are cached for a few seconds so proxied traffic does not query the database per request;
/// a revocation made through this process takes effect at once, through another replica within the cache time.</summary>
public sealed class HubIdentity(HubStore store, HubOptions options, TimeProvider clock)
{
    public const string SessionCookie = "astrolabe-session";
    private static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (ClaimsPrincipal? Principal, DateTimeOffset Until)> _cache = new();
    private readonly ConcurrentDictionary<long, DateTimeOffset> _lastTouched = new();
    private readonly Dictionary<string, ServiceOptions> _services =
        options.Services.Where(s => s.ResolveToken() is not null).ToDictionary(s => Secrets.Hash(s.ResolveToken()!));

    public async Task<ClaimsPrincipal?> FromTokenAsync(string token, CancellationToken ct)
    {
        var hash = Secrets.Hash(token);
        if (TryCached("t:" + hash, out var cached)) return cached;
        ClaimsPrincipal? principal = null;
        if (_services.TryGetValue(hash, out var service))
            principal = Build(service.Name, "service", admin: false, service.Scopes, tokenId: null, sessionId: null);
        else if (await store.FindTokenAsync(hash, ct) is { } record && !record.IsExpired(clock.GetUtcNow()))
        {
            principal = Build(record.UserName, "user", record.UserAdmin, Scopes.Resolve(record.Scopes, record.UserName, record.UserAdmin),
                record.Id, record.SessionId, await GroupsAsync(record.UserName, ct));
            await TouchAsync(record.Id, ct);
        }
        _cache["t:" + hash] = (principal, clock.GetUtcNow() + CacheTime);
        return principal;
    }

    public async Task<ClaimsPrincipal?> FromSessionAsync(string sessionId, CancellationToken ct)
    {
        var hash = Secrets.Hash(sessionId);
        if (TryCached("s:" + hash, out var cached)) return cached;
        var user = await store.FindLoginSessionUserAsync(hash, ct);
        var principal = user is null ? null
            : Build(user.Name, "user", user.Admin, Scopes.Resolve([Scopes.Inherit], user.Name, user.Admin), tokenId: null, sessionId: hash,
                await GroupsAsync(user.Name, ct));
        _cache["s:" + hash] = (principal, clock.GetUtcNow() + CacheTime);
        return principal;
    }

    private async Task<IReadOnlyList<string>> GroupsAsync(string user, CancellationToken ct) =>
        (await store.ListGroupsOfUsersAsync([user], ct))[user].ToList();

    /// <summary>Forgets cached identities, e.g. after a token or session is revoked or a user changed.</summary>
    public void Forget() => _cache.Clear();

    private bool TryCached(string key, out ClaimsPrincipal? principal)
    {
        principal = null;
        if (_cache.TryGetValue(key, out var e) && e.Until > clock.GetUtcNow()) { principal = e.Principal; return true; }
        if (_cache.Count > 50_000) _cache.Clear();
        return false;
    }

    private async Task TouchAsync(long tokenId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_lastTouched.TryGetValue(tokenId, out var last) && now - last < TimeSpan.FromMinutes(1)) return;
        _lastTouched[tokenId] = now;
        await store.TouchTokenAsync(tokenId, now, ct);
    }

    /// <summary>The principal other modules read: name, kind, admin flag, resolved scopes, and the user's groups
    /// (`astrolabe:group`, e.g. for the catalogue service's permissions).</summary>
    public static ClaimsPrincipal Build(string name, string kind, bool admin, IEnumerable<string> scopes, long? tokenId, string? sessionId,
        IEnumerable<string>? groups = null)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(Scopes.KindClaim, kind) };
        if (admin) claims.Add(new Claim(Scopes.AdminClaim, "true"));
        claims.AddRange((groups ?? []).Select(g => new Claim(Scopes.GroupClaim, g)));
        claims.AddRange(scopes.Select(s => new Claim(Scopes.ClaimType, s)));
        if (tokenId is { } id) claims.Add(new Claim(Scopes.TokenIdClaim, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (sessionId is not null) claims.Add(new Claim(Scopes.SessionClaim, sessionId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, HubAuthentication.SchemeName, ClaimTypes.Name, null));
    }
}
