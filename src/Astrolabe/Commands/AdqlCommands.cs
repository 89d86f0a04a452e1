using System.CommandLine;

namespace Astrolabe.Commands;

/// <summary>`astrolabe adql`: Check and translate ADQL queries.</summary>
public static class AdqlCommands
{
    public static Command Create()
    {
        var command = new Command("adql", "Check and translate ADQL queries.");
        return command;
    }
}
