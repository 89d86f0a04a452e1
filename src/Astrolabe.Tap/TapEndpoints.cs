using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Astrolabe.Tap;

/// <summary>Registers the TAP service and maps it under /tap.</summary>
public static class TapEndpoints
{
    public static IServiceCollection AddTap(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapTap(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
