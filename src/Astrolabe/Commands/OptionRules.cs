using System.CommandLine;

namespace Astrolabe.Commands;

/// <summary>Range checks on command-line options, reported at parse time under the name the user typed (the library
/// objects check their settings again, but under their own property names).</summary>
public static class OptionRules
{
    /// <summary>A value given for <paramref name="option"/> must satisfy <paramref name="valid"/>; otherwise the command
    /// fails before it runs with "--name must be <paramref name="expected"/>, got VALUE."</summary>
    public static void Require<T>(this Option<T> option, Func<T, bool> valid, string expected) => option.Validators.Add(result =>
    {
        if (result.Tokens.Count > 0 && !valid(result.GetValueOrDefault<T>()))
            result.AddError($"{option.Name} must be {expected}, got {result.Tokens[^1].Value}.");
    });
}
