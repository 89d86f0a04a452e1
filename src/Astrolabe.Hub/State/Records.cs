namespace Astrolabe.Hub.State;

/// <summary>A user account as stored.</summary>
public sealed record UserRecord(long Id, string Name, bool Admin, string? PasswordHash, bool Disabled, DateTimeOffset Created, DateTimeOffset? LastActivity);

/// <summary>An API token as stored: only the SHA-256 of the secret is kept, with its first characters for display.</summary>
public sealed record TokenRecord(
    long Id, long UserId, string UserName, bool UserAdmin, string Prefix, TokenKind Kind, IReadOnlyList<string> Scopes, string Note,
    string? ServerName, string? ClientId, string? SessionId, DateTimeOffset Created, DateTimeOffset? Expires, DateTimeOffset? LastUsed)
{
    public bool IsExpired(DateTimeOffset now) => Expires is { } e && e <= now;
}

/// <summary>Why a token exists: a user's API token, a notebook server's own token, or one issued by OAuth to a browser.</summary>
public enum TokenKind { Api, Server, OAuth }

/// <summary>A notebook server as stored: enough for any hub replica to route to it and for a restarted hub to find it.</summary>
public sealed record ServerRecord(
    string UserName, string Name, ServerState State, string? Url, string? SpawnerState, DateTimeOffset? Started, DateTimeOffset? LastActivity,
    string? Profile = null);

public enum ServerState { Stopped, Starting, Running, Stopping }

/// <summary>A group of users, as stored: profiles name the groups that may use them.</summary>
public sealed record GroupRecord(string Name, DateTimeOffset Created, IReadOnlyList<string> Users);
