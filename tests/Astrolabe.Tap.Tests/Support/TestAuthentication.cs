using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Astrolabe.Tap.Tests.Support;

/// <summary>Stands in for the hub's cookie/token authentication, which these tests do not start: it signs the
/// request in as the user named by the X-Test-User header, with the claims the hub sets (name, admin, groups,
/// scopes). TAP reads only HttpContext.User, so this exercises the same code paths.</summary>
internal sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string UserHeader = "X-Test-User";
    public const string AdminHeader = "X-Test-Admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var name = Request.Headers[UserHeader].ToString();
        if (string.IsNullOrEmpty(name))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new("astrolabe:group", "astronomers"),
            new("astrolabe:scope", "tap"),
        };
        if (Request.Headers[AdminHeader] == "true")
        {
            claims.Add(new Claim("astrolabe:admin", "true"));
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
