using System.Text;
using System.Text.RegularExpressions;

namespace Astrolabe.Regions.Pipeline;

/// <summary>Turns the command line's files, folders and globs into the list of cubes to process.</summary>
/// <remarks>A folder is searched recursively for FITS files (.fits, .fit, .fts, and the same with .gz). A glob may use
/// <c>*</c>, <c>?</c> and <c>[abc]</c> / <c>[a-z]</c> within a path segment and <c>**</c> for any number of folders. The result is sorted and free of
/// duplicates so that a run's order, and its catalogue, do not depend on the file system.</remarks>
public static class CubeInputs
{
    private static readonly string[] FitsSuffixes = [".fits", ".fit", ".fts", ".fits.gz", ".fit.gz", ".fts.gz"];

    public static bool LooksLikeFits(string path)
    {
        foreach (string suffix in FitsSuffixes)
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>Expands the inputs; <paramref name="problems"/> receives one message per input that matched nothing.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs, List<string> problems)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            int before = found.Count;
            if (IsGlob(input))
            {
                foreach (string path in Glob(input)) found.Add(path);
            }
            else if (Directory.Exists(input))
            {
                foreach (string path in Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 }))
                {
                    if (LooksLikeFits(path)) found.Add(path);
                }
            }
            else
            {
                // A named file is taken as given, even if missing or unreadable: processing it reports why it failed.
                found.Add(input);
            }
            if (found.Count == before)
            {
                problems.Add($"{input}: no FITS files found");
            }
        }
        return [.. found];
    }

    private static IEnumerable<string> Glob(string pattern)
    {
        string normalized = pattern.Replace('\\', '/');
        string[] segments = normalized.Split('/');
        int firstWild = Array.FindIndex(segments, IsGlob);
        string root = string.Join('/', segments[..firstWild]);
        if (root.Length == 0) root = normalized.StartsWith('/') ? "/" : ".";
        if (!Directory.Exists(root)) yield break;
        var regex = new Regex("^" + ToRegex(segments[firstWild..]) + "$", RegexOptions.CultureInvariant);
        bool recursive = segments.Length - firstWild > 1 || normalized.Contains("**");
        var options = new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = true, AttributesToSkip = 0 };
        foreach (string path in Directory.EnumerateFiles(root, "*", options))
        {
            string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (regex.IsMatch(relative))
            {
                yield return root == "." && !pattern.StartsWith("./") ? relative : path;
            }
        }
    }

    private static bool IsGlob(string text) => text.IndexOfAny(['*', '?']) >= 0 || (text.IndexOf('[') is int open and >= 0 && text.IndexOf(']', open) > open + 1);

    private static string ToRegex(string[] segments)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < segments.Length; i++)
        {
            string segment = segments[i];
            if (segment == "**")
            {
                // Any number of folders, including none.
                sb.Append(i == segments.Length - 1 ? ".*" : "(?:[^/]+/)*");
                continue;
            }
            for (int k = 0; k < segment.Length; k++)
            {
                char ch = segment[k];
                int close = ch == '[' ? segment.IndexOf(']', k + 1) : -1;
                if (close > k + 1)
                {
                    // A character class: letters and ranges are kept, anything else is escaped; [!...] negates.
                    string inner = segment[(k + 1)..close];
                    bool negate = inner.StartsWith('!');
                    if (negate) inner = inner[1..];
                    sb.Append(negate ? "[^" : "[").Append(Regex.Replace(inner, @"[^\w-]", m => "\\" + m.Value)).Append(']');
                    k = close;
                    continue;
                }
                sb.Append(ch switch { '*' => "[^/]*", '?' => "[^/]", _ => Regex.Escape(ch.ToString()) });
            }
            if (i < segments.Length - 1) sb.Append('/');
        }
        return sb.ToString();
    }
}
