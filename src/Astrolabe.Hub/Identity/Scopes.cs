using System.Security.Claims;

namespace Astrolabe.Hub;

/// <summary>JupyterHub-style scopes: `name` applies to everyone, `name!user=alice` or `name!server=alice/` to one owner.</summary>
public static class Scopes
{
    public const string ReadUsers = "read:users";
    public const string ListUsers = "list:users";
    public const string AdminUsers = "admin:users";
    public const string ReadUsersActivity = "read:users:activity";
    public const string UsersActivity = "users:activity";
    public const string Servers = "servers";
    public const string ReadServers = "read:servers";
    public const string DeleteServers = "delete:servers";
    public const string AccessServers = "access:servers";
    public const string Tokens = "tokens";
    public const string ReadTokens = "read:tokens";
    public const string ReadGroups = "read:groups";
    public const string ListGroups = "list:groups";
    /// <summary>Change who is in a group.</summary>
    public const string Groups = "groups";
    /// <summary>Create and delete groups (and everything `groups` allows).</summary>
    public const string AdminGroups = "admin:groups";
    /// <summary>A token carrying every permission of its owner.</summary>
    public const string Inherit = "inherit";

    public static readonly string[] All =
        [ReadUsers, ListUsers, AdminUsers, ReadUsersActivity, UsersActivity, Servers, ReadServers, DeleteServers, AccessServers, Tokens, ReadTokens,
         ReadGroups, ListGroups, Groups, AdminGroups, Inherit];

    /// <summary>What holding a scope also grants.</summary>
    private static readonly Dictionary<string, string[]> Implies = new()
    {
        [AdminUsers] = [ReadUsers, ListUsers, ReadUsersActivity, UsersActivity, Tokens, ReadTokens],
        [ReadUsers] = [ReadUsersActivity],
        [Servers] = [ReadServers, DeleteServers],
        [Tokens] = [ReadTokens],
        [AdminGroups] = [Groups, ReadGroups, ListGroups],
        [Groups] = [ReadGroups, ListGroups],
    };

    /// <summary>The scopes an ordinary user holds over their own things.</summary>
    public static IEnumerable<string> Self(string user) =>
        new[] { ReadUsers, UsersActivity, Servers, AccessServers, Tokens }.Select(s => $"{s}!user={user}");

    /// <summary>An administrator holds every scope over everyone.</summary>
    public static IEnumerable<string> Admin() => new[] { AdminUsers, Servers, AccessServers, AdminGroups };

    public const string ClaimType = "astrolabe:scope";
    public const string AdminClaim = "astrolabe:admin";
    public const string GroupClaim = "astrolabe:group";
    public const string KindClaim = "astrolabe:kind";
    public const string TokenIdClaim = "astrolabe:token";
    public const string SessionClaim = "astrolabe:session";

    public static bool IsKnown(string scope)
    {
        var bang = scope.IndexOf('!');
        var name = bang < 0 ? scope : scope[..bang];
        if (!All.Contains(name)) return false;
        if (bang < 0) return true;
        var filter = scope[(bang + 1)..];
        return filter.StartsWith("user=", StringComparison.Ordinal) || filter.StartsWith("server=", StringComparison.Ordinal);
    }

    /// <summary>Whether the principal may do `scope` to `owner`'s things (`serverName` narrows to one server).</summary>
    public static bool Allows(ClaimsPrincipal principal, string scope, string owner, string serverName = "")
    {
        foreach (var claim in principal.FindAll(ClaimType))
            if (Grants(claim.Value, scope, owner, serverName)) return true;
        return false;
    }

    /// <summary>Whether the principal holds `scope` over everyone (no filter).</summary>
    public static bool AllowsAll(ClaimsPrincipal principal, string scope)
    {
        foreach (var claim in principal.FindAll(ClaimType))
            if (!claim.Value.Contains('!') && Expand(claim.Value).Contains(scope)) return true;
        return false;
    }

    private static bool Grants(string held, string scope, string owner, string serverName)
    {
        var bang = held.IndexOf('!');
        var name = bang < 0 ? held : held[..bang];
        if (!Expand(name).Contains(scope)) return false;
        if (bang < 0) return true;
        var filter = held[(bang + 1)..];
        return filter == $"user={owner}" || filter == $"server={owner}/{serverName}";
    }

    private static HashSet<string> Expand(string scope)
    {
        var result = new HashSet<string> { scope };
        var queue = new Queue<string>([scope]);
        while (queue.TryDequeue(out var s))
            if (Implies.TryGetValue(s, out var more))
                foreach (var m in more) if (result.Add(m)) queue.Enqueue(m);
        return result;
    }

    /// <summary>Expands `inherit` (and nothing else) into the owner's own scopes.</summary>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> tokenScopes, string owner, bool ownerIsAdmin)
    {
        var result = new List<string>();
        foreach (var s in tokenScopes)
        {
            if (s == Inherit)
            {
                result.AddRange(Self(owner));
                if (ownerIsAdmin) result.AddRange(Admin());
            }
            else result.Add(s);
        }
        return result.Distinct().ToList();
    }
}
