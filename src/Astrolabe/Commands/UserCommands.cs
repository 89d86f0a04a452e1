using System.CommandLine;

namespace Astrolabe.Commands;

/// <summary>`astrolabe user add|list|remove|passwd`: local accounts.</summary>
public static class UserCommands
{
    public static Command Create()
    {
        var command = new Command("user", "Manage local accounts.");
        return command;
    }
}
