using System.CommandLine;

namespace Astrolabe.Commands;

/// <summary>`astrolabe demo`: Generate demonstration data.</summary>
public static class DemoCommands
{
    public static Command Create()
    {
        var command = new Command("demo", "Generate demonstration data.");
        return command;
    }
}
