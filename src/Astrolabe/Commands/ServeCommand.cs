using System.CommandLine;

namespace Astrolabe.Commands;

/// <summary>`astrolabe serve`: runs every service in one process.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the platform (hub, notebooks, TAP, storage) in one process.");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var app = PlatformHost.Build(parse.Tokens.Select(t => t.Value).ToArray());
            await app.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
