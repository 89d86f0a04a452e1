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
        configFile ??= Environment.GetEnvironmentVariable("ASTROLABE_CONFIG");
        if (!string.IsNullOrEmpty(configFile))
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full)) throw new OptionsValidationException("config", typeof(string), [$"The settings file '{full}' (--config / ASTROLABE_CONFIG) does not exist."]);
            builder.AddJsonFile(full, optional: false);
        }
        builder.AddEnvironmentVariables("ASTROLABE_").AddCommandLine(args);
        if (overrides is not null) builder.AddInMemoryCollection(overrides);
        return builder.Build();
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
