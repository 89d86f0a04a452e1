using System.CommandLine;

namespace Astrolabe.Commands;

/// <summary>`astrolabe roi`: Find regions of interest in FITS cubes.</summary>
public static class RoiCommand
{
    public static Command Create()
    {
        var command = new Command("roi", "Find regions of interest in FITS cubes.");
        return command;
    }
}
