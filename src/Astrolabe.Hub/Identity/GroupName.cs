using System.Text.RegularExpressions;

namespace Astrolabe.Hub;

/// <summary>The rule for group names: they appear in URLs (`/hub/api/groups/NAME`), settings and the command line.</summary>
public static partial class GroupName
{
    public const int MaxLength = 64;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex Shape();

    public static bool IsValid(string? name, out string reason)
    {
        reason = "";
        if (string.IsNullOrEmpty(name)) reason = "a group name is required.";
        else if (name.Length > MaxLength) reason = $"group name '{name[..40]}…' is {name.Length} characters long; at most {MaxLength} are allowed.";
        else if (!Shape().IsMatch(name))
            reason = $"group name '{name}' may contain only letters, digits, '.', '_' and '-', and must start with a letter or digit.";
        return reason.Length == 0;
    }

    public static void Check(string? name)
    {
        if (!IsValid(name, out var reason)) throw new ArgumentException(reason);
    }
}
