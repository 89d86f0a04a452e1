using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Astrolabe.Hub;

/// <summary>Registers identity, sessions, the proxy and the portal, and maps their routes.</summary>
public static class HubEndpoints
{
    public static IServiceCollection AddHub(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        return app;
    }
}
