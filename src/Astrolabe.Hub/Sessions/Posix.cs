using System.Runtime.InteropServices;

namespace Astrolabe.Hub.Sessions;

/// <summary>The few libc calls the local spawner needs.</summary>
internal static partial class Posix
{
    public const int SIGKILL = 9, SIGTERM = 15, SIGINT = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chown(string path, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "umask")]
    public static partial int Umask(int mask);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial int GetEuid();

    /// <summary>Process state letter and start time (clock ticks since boot) from /proc, or null when gone.
    /// A zombie ('Z') counts as gone; the start time guards against a recycled pid.</summary>
    public static (char State, long StartTicks)? ReadProcess(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            return (fields[0][0], long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static bool IsAlive(int pid, long startTicks) =>
        ReadProcess(pid) is { } p && p.State != 'Z' && p.State != 'X' && p.StartTicks == startTicks;
}
