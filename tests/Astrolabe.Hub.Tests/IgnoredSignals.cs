using System.Runtime.InteropServices;

namespace Astrolabe.Hub.Tests;

/// <summary>Makes this process ignore SIGINT and SIGQUIT until disposed, as a hub started with `&amp;` from a script
/// does, so a test can check that servers do not inherit it. The previous dispositions (the runtime's handlers) are
/// put back exactly.</summary>
internal sealed class IgnoredSignals : IDisposable
{
    private const int SigInt = 2, SigQuit = 3, SigActionSize = 152; // struct sigaction on x86-64 glibc
    private readonly Dictionary<int, byte[]> _previous = [];

    public IgnoredSignals()
    {
        var ignore = new byte[SigActionSize];
        BitConverter.TryWriteBytes(ignore, 1L); // sa_handler = SIG_IGN; empty mask, no flags
        foreach (var signal in new[] { SigInt, SigQuit })
        {
            var previous = new byte[SigActionSize];
            if (sigaction(signal, ignore, previous) != 0) throw new InvalidOperationException($"sigaction({signal}) failed: errno {Marshal.GetLastPInvokeError()}");
            _previous[signal] = previous;
        }
    }

    public void Dispose()
    {
        foreach (var (signal, previous) in _previous) sigaction(signal, previous, null);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sigaction(int signal, byte[]? action, byte[]? previous);
}
