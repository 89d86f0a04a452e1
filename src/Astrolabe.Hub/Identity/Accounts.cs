using Astrolabe.Hub.State;

namespace Astrolabe.Hub.Identity;

/// <summary>Local accounts: passwords, browser sessions and API tokens. Shared by the web pages, the hub API and the CLI.</summary>
public sealed class Accounts(HubStore store, HubOptions options, LoginThrottle throttle, HubIdentity identity, TimeProvider clock)
{
    public const int MinPasswordLength = 8;
    private readonly PasswordHasher _hasher = new(options.PasswordIterations);

    public HubStore Store => store;

    public string HashPassword(string password)
    {
        if (password.Length < MinPasswordLength) throw new ArgumentException($"a password must be at least {MinPasswordLength} characters long.");
        if (password.Length > 1024) throw new ArgumentException("a password must be at most 1024 characters long.");
        return _hasher.Hash(password);
    }

    public async Task<UserRecord> AddUserAsync(string name, bool admin, string? password, CancellationToken ct = default)
    {
        UserName.Check(name);
        var hash = password is null ? null : HashPassword(password);
        return await store.AddUserAsync(name, admin, hash, ct) ?? throw new ArgumentException($"user '{name}' already exists.");
    }

    /// <summary>Creates the first administrator when there are no users; returns the password to show once, or null.</summary>
    public async Task<(string Name, string? Password)?> EnsureFirstAdminAsync(string name, string? password, CancellationToken ct = default)
    {
        if (await store.CountUsersAsync(ct) > 0) return null;
        var generated = password is null;
        password ??= Secrets.NewPassword();
        if (await store.AddUserAsync(name, true, HashPassword(password), ct) is null) return null; // another replica won
        return (name, generated ? password : null);
    }

    public enum LoginOutcome { Ok, Wrong, Locked }

    /// <summary>Checks a password; on success opens a browser session and returns its secret (for the cookie).</summary>
    public async Task<(LoginOutcome Outcome, string? Session, DateTimeOffset? LockedUntil)> LoginAsync(string name, string password, string? address, CancellationToken ct)
    {
        name = name.Trim().ToLowerInvariant();
        if (throttle.LockedUntil(name, address) is { } until) return (LoginOutcome.Locked, null, until);
        var user = UserName.IsValid(name, out _) ? await store.FindUserAsync(name, ct) : null;
        var ok = user is { Disabled: false } && PasswordHasher.Verify(password, user.PasswordHash);
        if (user is null) _hasher.VerifyNothing(password);
        if (!ok)
        {
            throttle.Failed(name, address);
            return (LoginOutcome.Wrong, null, null);
        }
        throttle.Succeeded(name, address);
        return (LoginOutcome.Ok, await OpenSessionAsync(user!, ct), null);
    }

    /// <summary>A user changes their own password, proving the current one (throttled as logins are). Every browser
    /// session of the account ends; a new one is opened for the browser that made the change and returned.</summary>
    public async Task<(LoginOutcome Outcome, string? Session, DateTimeOffset? LockedUntil)> ChangePasswordAsync(string name, string current,
        string replacement, string? address, CancellationToken ct)
    {
        var hash = HashPassword(replacement); // the new one's rules first: a bad one changes nothing and costs no attempt
        if (throttle.LockedUntil(name, address) is { } until) return (LoginOutcome.Locked, null, until);
        var user = await store.FindUserAsync(name, ct);
        if (user is not { Disabled: false } || !PasswordHasher.Verify(current, user.PasswordHash))
        {
            throttle.Failed(name, address);
            return (LoginOutcome.Wrong, null, null);
        }
        throttle.Succeeded(name, address);
        await store.SetPasswordAsync(name, hash, ct);
        identity.Forget();
        return (LoginOutcome.Ok, await OpenSessionAsync(user, ct), null);
    }

    /// <summary>A new browser session for the user; returns its secret (for the cookie; only its hash is stored).</summary>
    private async Task<string> OpenSessionAsync(UserRecord user, CancellationToken ct)
    {
        var session = Secrets.New();
        await store.AddLoginSessionAsync(Secrets.Hash(session), user.Id, clock.GetUtcNow().AddHours(options.SessionHours), ct);
        return session;
    }

    public async Task LogoutAsync(string sessionHash, CancellationToken ct)
    {
        await store.RemoveLoginSessionAsync(sessionHash, ct);
        identity.Forget();
    }

    /// <summary>Issues an API token. Its scopes may not exceed what the owner holds.</summary>
    public async Task<(string Token, long Id)> CreateTokenAsync(UserRecord owner, IReadOnlyList<string>? scopes, string note, TimeSpan? expiresIn,
        TokenKind kind = TokenKind.Api, string? serverName = null, string? clientId = null, string? sessionId = null, CancellationToken ct = default)
    {
        scopes = scopes is null || scopes.Count == 0 ? [Scopes.Inherit] : scopes;
        foreach (var s in scopes)
        {
            if (!Scopes.IsKnown(s)) throw new ArgumentException($"unknown scope '{s}'. Known: {string.Join(", ", Scopes.All)}.");
            if (s != Scopes.Inherit && !Covered(owner, s)) throw new ArgumentException($"scope '{s}' exceeds what user '{owner.Name}' holds.");
        }
        if (note.Length > 200) throw new ArgumentException("a token note must be at most 200 characters.");
        if (expiresIn is { } e && (e <= TimeSpan.Zero || e > TimeSpan.FromDays(3650)))
            throw new ArgumentException("expires_in must be between 1 second and 10 years.");
        var token = Secrets.New();
        DateTimeOffset? expires = expiresIn is { } ttl ? clock.GetUtcNow() + ttl : null;
        var id = await store.AddTokenAsync(owner.Id, Secrets.Hash(token), Secrets.Prefix(token), kind, scopes, note, expires, serverName, clientId, sessionId, ct);
        return (token, id);
    }

    public async Task<bool> RevokeTokenAsync(string owner, long id, CancellationToken ct)
    {
        var removed = await store.RemoveTokenAsync(owner, id, ct);
        identity.Forget();
        return removed;
    }

    /// <summary>Drops cached identities after tokens or sessions changed.</summary>
    public void ForgetIdentities() => identity.Forget();

    private static bool Covered(UserRecord owner, string scope)
    {
        var principal = HubIdentity.Build(owner.Name, "user", owner.Admin, Scopes.Resolve([Scopes.Inherit], owner.Name, owner.Admin), null, null);
        var bang = scope.IndexOf('!');
        var name = bang < 0 ? scope : scope[..bang];
        if (bang < 0) return Scopes.AllowsAll(principal, name);
        var filter = scope[(bang + 1)..];
        var target = filter.StartsWith("user=", StringComparison.Ordinal) ? filter[5..] : filter[7..].Split('/')[0];
        return Scopes.Allows(principal, name, target);
    }
}
