using Astrolabe.Hub.Identity;
using Astrolabe.Hub.JupyterApi;
using Astrolabe.Hub.Portal;
using Astrolabe.Hub.Proxy;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Astrolabe.Hub;

/// <summary>Registers identity, sessions, the proxy and the portal, and maps their routes.</summary>
public static class HubEndpoints
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        var options = HubOptions.From(configuration);
        var errors = options.Validate();
        if (errors.Count > 0) throw new OptionsValidationException("Hub", typeof(HubOptions), errors);

        // Everything the platform writes (state database, keys, logs, results) is private to its account unless a
        // file is opened up on purpose (user homes are chowned to their owner).
        Posix.Umask(0b000_111_111);

        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new HubDatabase(options.DatabaseConnectionString));
        services.AddSingleton<HubStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<HubIdentity>();
        services.AddSingleton<Accounts>();
        services.AddSingleton(new UnixAccounts(options.UnixUserPrefix));
        services.AddSingleton<LocalProcessSpawner>();
        if (options.Spawner == "docker") services.AddSingleton<ISpawner, Sessions.Containers.DockerSpawner>();
        else services.AddSingleton<ISpawner>(sp => sp.GetRequiredService<LocalProcessSpawner>());
        services.AddSingleton<Profiles>();
        services.AddSingleton<ServerSessions>();
        services.AddSingleton<UserProxy>();
        services.AddSingleton<TemporaryAccounts>();
        services.AddHostedService<HubLifetime>();
        services.AddSingleton<IdleCuller>();
        services.AddHostedService(sp => sp.GetRequiredService<IdleCuller>());

        services.AddAuthentication(HubAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HubAuthentication>(HubAuthentication.SchemeName, null);
        services.AddAuthorization();
        // Keys for antiforgery tokens live with the hub's data so they survive restarts and can be shared by replicas.
        var keys = Path.Combine(options.FullDataRoot, "keys");
        Directory.CreateDirectory(keys);
        File.SetUnixFileMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        services.AddDataProtection().SetApplicationName("astrolabe").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddAntiforgery(a =>
        {
            a.Cookie.Name = "astrolabe-xsrf";
            a.Cookie.Path = "/hub";
            a.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            a.FormFieldName = "_xsrf";
        });
        return services;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        var proxy = app.Services.GetRequiredService<UserProxy>();
        // Behind a TLS-terminating proxy on this machine (nginx, a load balancer's local agent), take the scheme and
        // client address it reports; headers from anywhere else are ignored (KnownProxies defaults to loopback).
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/user")) { await proxy.HandleAsync(context); return; }
            if (context.Request.Path.StartsWithSegments("/hub")) context.Response.Headers["X-JupyterHub-Version"] = ApiModels.Version;
            await next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHubApi();
        app.MapPortal();
        app.MapAdmin();
        return app;
    }
}
