using Astrolabe.Hub;
using Astrolabe.Tap;

namespace Astrolabe;

/// <summary>The composition root: one ASP.NET Core process with every service in it.</summary>
public static class PlatformHost
{
    /// <summary>Builds the platform from configuration (appsettings, ASTROLABE_* environment variables, flags).</summary>
    public static WebApplication Build(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddEnvironmentVariables("ASTROLABE_");
        builder.Configuration.AddCommandLine(args);
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);

        builder.Services.AddHub(builder.Configuration);
        builder.Services.AddTap(builder.Configuration);

        var app = builder.Build();
        app.MapHub();
        app.MapTap();
        return app;
    }
}
