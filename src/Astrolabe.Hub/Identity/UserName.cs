using System.Text.RegularExpressions;

namespace Astrolabe.Hub;

/// <summary>The rule for user names: each becomes a Unix account, a directory and a URL segment, so it must be safe as all three.</summary>
public static partial class UserName
{
    public const int MaxLength = 24;

    [GeneratedRegex("^[a-z][a-z0-9_-]*$")]
    private static partial Regex Shape();

    public static bool IsValid(string? name, out string reason)
    {
        reason = "";
        if (string.IsNullOrEmpty(name)) reason = "a user name is required.";
        else if (name.Length > MaxLength) reason = $"user name '{Shorten(name)}' is {name.Length} characters long; at most {MaxLength} are allowed.";
        else if (!char.IsAsciiLetterLower(name[0])) reason = $"user name '{name}' must start with a lower-case letter a-z.";
        else if (!Shape().IsMatch(name))
            reason = $"user name '{name}' may contain only lower-case letters a-z, digits, '_' and '-' (it becomes a Unix account and a directory).";
        return reason.Length == 0;
    }

    public static void Check(string? name)
    {
        if (!IsValid(name, out var reason)) throw new ArgumentException(reason);
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
