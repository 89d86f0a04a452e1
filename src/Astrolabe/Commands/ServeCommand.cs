using System.CommandLine;
using Microsoft.Extensions.Options;

namespace Astrolabe.Commands;

/// <summary>`astrolabe serve`: runs every service in one process.</summary>
public static class ServeCommand
{
    public static readonly Option<string?> Config = new("--config") { Description = "A JSON settings file (also ASTROLABE_CONFIG)." };
    public static readonly Option<string?> DataRoot = new("--data-root") { Description = "Where state, catalogues and user homes live (setting DataRoot; default ./astrolabe-data)." };

    public static Command Create()
    {
        var demo = new Option<bool>("--demo") { Description = "Load the demo dataset (a generated catalogue) on first start." };
        var listen = new Option<string?>("--listen") { Description = "Address to serve on (setting Listen; default http://127.0.0.1:8000)." };
        var command = new Command("serve", "Run the platform (hub, notebooks, TAP) in one process. Any --Section:Key=value flag sets a setting.")
        {
            demo, listen, Config, DataRoot,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(demo)) overrides["Demo"] = "true";
            if (parse.GetValue(listen) is { } l) overrides["Listen"] = l;
            if (parse.GetValue(DataRoot) is { } d) overrides["DataRoot"] = d;
            try
            {
                var configuration = PlatformHost.ReadConfiguration(parse.UnmatchedTokens.ToArray(), parse.GetValue(Config), overrides);
                var app = PlatformHost.Build(configuration);
                await app.RunAsync(ct);
                return 0;
            }
            catch (Exception e) when (SettingsErrors.Of(e) is { } problems) { return SettingsErrors.Report(problems); }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                Console.Error.WriteLine($"astrolabe serve: {e.Message} Another program (perhaps another astrolabe) is serving there: " +
                                        "stop it, or choose another address with --listen.");
                return 1;
            }
        });
        return command;
    }
}
