using System.Globalization;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.State;

namespace Astrolabe.Hub.JupyterApi;

/// <summary>The JSON shapes of JupyterHub's REST API (3.0), built from stored records.</summary>
public static class ApiModels
{
    public const string Version = "3.0.0";

    public static string? Time(DateTimeOffset? t) =>
        t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static Dictionary<string, object?> Server(ServerRecord s) => new()
    {
        ["name"] = s.Name,
        ["ready"] = s.State == ServerState.Running,
        ["stopped"] = s.State == ServerState.Stopped,
        ["pending"] = s.State switch { ServerState.Starting => "spawn", ServerState.Stopping => "stop", _ => null },
        ["url"] = ServerSessions.Prefix(s.UserName, s.Name),
        ["progress_url"] = ServerSessions.ProgressUrl(s.UserName, s.Name),
        ["started"] = Time(s.Started),
        ["last_activity"] = Time(s.LastActivity),
        ["state"] = new Dictionary<string, object?>(),
        ["user_options"] = s.Profile is null ? new Dictionary<string, object?>() : new Dictionary<string, object?> { ["profile"] = s.Profile },
    };

    public static Dictionary<string, object?> User(UserRecord u, IEnumerable<ServerRecord> servers, IEnumerable<string> groups)
    {
        var live = servers.Where(s => s.State != ServerState.Stopped).ToList();
        var main = live.FirstOrDefault(s => s.Name.Length == 0);
        return new()
        {
            ["kind"] = "user",
            ["name"] = u.Name,
            ["admin"] = u.Admin,
            ["groups"] = groups.ToList(),
            ["roles"] = u.Admin ? new[] { "admin", "user" } : ["user"],
            ["server"] = main is { State: ServerState.Running } ? ServerSessions.Prefix(u.Name, "") : null,
            ["pending"] = main?.State switch { ServerState.Starting => "spawn", ServerState.Stopping => "stop", _ => null },
            ["created"] = Time(u.Created),
            ["last_activity"] = Time(u.LastActivity),
            ["disabled"] = u.Disabled,
            ["servers"] = live.ToDictionary(s => s.Name, s => (object?)Server(s)),
        };
    }

    public static Dictionary<string, object?> Group(GroupRecord g) => new()
    {
        ["kind"] = "group",
        ["name"] = g.Name,
        ["users"] = g.Users,
        ["properties"] = new Dictionary<string, object?>(),
        ["roles"] = Array.Empty<string>(),
    };

    public static Dictionary<string, object?> Token(TokenRecord t) => new()
    {
        ["id"] = t.Id.ToString(CultureInfo.InvariantCulture),
        ["kind"] = t.Kind switch { TokenKind.OAuth => "oauth", TokenKind.Server => "server", _ => "api_token" },
        ["user"] = t.UserName,
        ["prefix"] = t.Prefix,
        ["scopes"] = t.Scopes,
        ["note"] = t.Note,
        ["created"] = Time(t.Created),
        ["expires_at"] = Time(t.Expires),
        ["last_activity"] = Time(t.LastUsed),
        ["oauth_client"] = t.ClientId,
        ["session_id"] = t.SessionId,
    };
}
