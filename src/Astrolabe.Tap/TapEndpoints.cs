using Astrolabe.Tap.Query;
using Astrolabe.Tap.Uws;
using Astrolabe.Tap.Vosi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Astrolabe.Tap;

/// <summary>Registers the TAP service and maps it under /tap.</summary>
public static class TapEndpoints
{
    public static IServiceCollection AddTap(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TapOptions>()
            .Bind(configuration.GetSection(TapOptions.Section), binder => binder.ErrorOnUnknownConfiguration = true)
            .Configure(options =>
            {
                options.DataRoot = configuration["DataRoot"] is { Length: > 0 } root ? root : "./astrolabe-data";
                options.Demo = configuration.GetValue("Demo", false);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TapOptions>, TapOptionsValidator>();
        services.AddSingleton<TapService>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobRunner>();
        // Order matters: the database is prepared before the job runner re-queues jobs.
        services.AddHostedService<TapStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<JobRunner>());
        return services;
    }

    public static IEndpointRouteBuilder MapTap(this IEndpointRouteBuilder endpoints)
    {
        // TAP decides itself who may query (Tap:AllowAnonymous, job owners); VOSI resources are always public.
        var tap = endpoints.MapGroup("/tap").AllowAnonymous();
        tap.MapGet("", VosiEndpoints.HomeAsync);
        tap.MapMethods("/sync", ["GET", "POST"], SyncEndpoint.HandleAsync);

        tap.MapGet("/async", AsyncEndpoints.ListAsync);
        tap.MapPost("/async", AsyncEndpoints.CreateAsync);
        tap.MapGet("/async/{id}", AsyncEndpoints.GetJobAsync);
        tap.MapPost("/async/{id}", AsyncEndpoints.PostJobAsync);
        tap.MapDelete("/async/{id}", AsyncEndpoints.DeleteJobAsync);
        tap.MapGet("/async/{id}/results/{result}", AsyncEndpoints.GetResultAsync);
        tap.MapGet("/async/{id}/{property}", AsyncEndpoints.GetPropertyAsync);
        tap.MapPost("/async/{id}/{property}", AsyncEndpoints.PostPropertyAsync);

        tap.MapGet("/capabilities", VosiEndpoints.CapabilitiesAsync);
        tap.MapGet("/availability", VosiEndpoints.AvailabilityAsync);
        tap.MapGet("/tables", VosiEndpoints.TablesAsync);
        tap.MapGet("/tables/{name}", VosiEndpoints.TableAsync);
        tap.MapGet("/examples", VosiEndpoints.ExamplesAsync);
        return endpoints;
    }
}
