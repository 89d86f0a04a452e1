using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Astrolabe.Commands;

/// <summary>Settings a command cannot use, reported the same way by every command: one line per problem and exit code
/// 2, instead of a stack trace — whether a value breaks a rule or is not of its setting's type.</summary>
internal static partial class SettingsErrors
{
    /// <summary>The problems an exception describes, or null when it is not about the settings.</summary>
    public static IReadOnlyList<string>? Of(Exception e) => e switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        InvalidOperationException wrongType when Conversion().Match(wrongType.Message) is { Success: true } m =>
            [$"{m.Groups["key"].Value} = '{m.Groups["value"].Value}' is not {Kind(m.Groups["type"].Value)}."],
        InvalidOperationException unknown when Unknown().Match(unknown.Message) is { Success: true } m =>
            [$"{m.Groups["names"].Value} {(m.Groups["names"].Value.Contains(',') ? "are not settings" : "is not a setting")} of {Section(m.Groups["type"].Value)} " +
             "(docs/configuration.md lists them)."],
        _ => null,
    };

    public static int Report(IReadOnlyList<string> problems)
    {
        Console.Error.WriteLine("astrolabe: the settings are not valid:");
        foreach (var problem in problems) Console.Error.WriteLine($"  - {problem}");
        return 2;
    }

    private static string Kind(string type) => type switch
    {
        "System.Int16" or "System.Int32" or "System.Int64" => "a whole number",
        "System.Single" or "System.Double" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a time span such as 00:05:00",
        _ => $"a valid {type}",
    };

    // Where each settings class is bound (its unknown keys are reported by the class's name).
    private static string Section(string type) => type[(type.LastIndexOf('.') + 1)..] switch
    {
        "HubOptions" => "Hub",
        "TapOptions" => "Tap",
        "DockerOptions" => "Hub:Docker",
        "ProfileOptions" => "a profile (Hub:Profiles)",
        "ServiceOptions" => "a service (Hub:Services)",
        var other => other,
    };

    // The configuration binder's messages: a key no property has (ErrorOnUnknownConfiguration), a value it cannot convert.
    [GeneratedRegex("following properties were not found on the instance of (?<type>[^:]+): (?<names>.+)$", RegexOptions.Singleline)]
    private static partial Regex Unknown();

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex Conversion();
}
