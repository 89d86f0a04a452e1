using System.CommandLine;

namespace Astrolabe.Commands;

/// <summary>`astrolabe catalog`: Ingest and publish catalogues.</summary>
public static class CatalogCommands
{
    public static Command Create()
    {
        var command = new Command("catalog", "Ingest and publish catalogues.");
        return command;
    }
}
