using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Tests;

/// <summary>The hub's log kept in memory (information and above), so a failing test can say what the hub did.</summary>
public sealed class MemoryLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    /// <summary>Everything logged so far, a line per entry.</summary>
    public override string ToString() => string.Join("\n", _lines);

    public void Dispose() { }

    private sealed class Logger(MemoryLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            log._lines.Enqueue($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}" +
                               (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})"));
        }
    }
}
