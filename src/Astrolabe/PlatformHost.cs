using Astrolabe.Hub;
using Astrolabe.Tap;
using Microsoft.Extensions.Options;

namespace Astrolabe;

/// <summary>The composition root: one ASP.NET Core process with every service in it.</summary>
public static class PlatformHost
{
    /// <summary>Reads settings, lowest precedence first: embedded defaults (appsettings.json beside the program), the
    /// operator's file (`--config` or ASTROLABE_CONFIG), ASTROLABE_* environment variables (`ASTROLABE_Hub__Database`),
    /// command-line `--Section:Key=value` flags, then `overrides`.</summary>
    public static IConfigurationRoot ReadConfiguration(string[] args, string? configFile, IDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true);
        var problems = new List<string>();
        configFile ??= Environment.GetEnvironmentVariable("ASTROLABE_CONFIG");
        if (!string.IsNullOrEmpty(configFile))
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full)) throw new OptionsValidationException("config", typeof(string), [$"The settings file '{full}' (--config / ASTROLABE_CONFIG) does not exist."]);
            builder.AddJsonFile(full, optional: false);
            var file = new ConfigurationBuilder().AddJsonFile(full, optional: false).Build();
            problems.AddRange(file.GetChildren().Where(c => !IsSection(c.Key)).Select(c => $"'{c.Key}' in {full} is not a setting. {KnownSections}"));
        }
        problems.AddRange(CommandLineProblems(args));
        if (problems.Count > 0) throw new OptionsValidationException("settings", typeof(string), problems);
        builder.AddEnvironmentVariables("ASTROLABE_").AddCommandLine(args);
        if (overrides is not null) builder.AddInMemoryCollection(overrides);
        return builder.Build();
    }

    // The top level of the settings. Names below Hub and Tap are checked when those sections are bound. Environment
    // variables are not checked here: ASTROLABE_ also prefixes variables that are not settings (ASTROLABE_CONFIG).
    private static readonly string[] Sections = ["DataRoot", "Listen", "Demo", "Logging", "Hub", "Tap"];

    private const string KnownSections = "The settings are DataRoot, Listen, Demo, Logging, Hub:… and Tap:… (docs/configuration.md lists them).";

    private static bool IsSection(string key) => Sections.Contains(key, StringComparer.OrdinalIgnoreCase);

    /// <summary>What is wrong with setting flags (`--Section:Key=value` or `--Section:Key value`): a token of another
    /// form, or a name outside the settings, which the configuration would otherwise silently ignore (a mistyped
    /// `--data` for `--data-root`).</summary>
    private static IEnumerable<string> CommandLineProblems(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
            {
                yield return $"'{args[i]}' is not an option or a setting (settings are given as --Section:Key=value).";
                continue;
            }
            var equals = args[i].IndexOf('=');
            var key = equals < 0 ? args[i][2..] : args[i][2..equals];
            if (equals < 0) i++; // `--Key value`: the next token is the value
            if (!IsSection(key.Split(':')[0])) yield return $"'--{key}' is not an option or a setting. {KnownSections}";
            else if (equals < 0 && i >= args.Length) yield return $"'--{key}' has no value (give it as --{key}=value).";
        }
    }

    /// <summary>Builds the platform from configuration.</summary>
    public static WebApplication Build(IConfiguration configuration)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(configuration["Listen"] ?? "http://127.0.0.1:8000");
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });

        builder.Services.AddHub(builder.Configuration);
        builder.Services.AddTap(builder.Configuration);

        var app = builder.Build();
        // Bind and check the TAP service's settings now (the hub's were checked above), so a bad value is reported
        // before anything starts rather than after the host has logged a stack trace.
        _ = app.Services.GetRequiredService<IOptions<TapOptions>>().Value;
        app.MapHub();
        app.MapTap();
        return app;
    }
}
