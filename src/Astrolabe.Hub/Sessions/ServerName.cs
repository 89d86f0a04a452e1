using System.Text.RegularExpressions;

namespace Astrolabe.Hub.Sessions;

/// <summary>The rule for named servers: a URL segment (`/user/alice/<server>/`) and part of file and group names.</summary>
public static partial class ServerName
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex Shape();

    /// <summary>Paths of the default server that a named server must not shadow.</summary>
    private static readonly HashSet<string> Reserved =
        ["api", "tree", "notebooks", "edit", "files", "view", "static", "custom", "nbextensions", "terminals", "kernelspecs",
         "nbconvert", "lab", "login", "logout", "oauth_callback", "metrics", "voila", "proxy"];

    public static bool IsValid(string? name, out string reason)
    {
        reason = name is null || !Shape().IsMatch(name)
            ? $"server name '{name}' must be 1-32 characters of a-z, 0-9, '_' and '-', starting with a letter or digit."
            : Reserved.Contains(name) ? $"server name '{name}' is a path of the notebook server itself; choose another." : "";
        return reason.Length == 0;
    }
}
