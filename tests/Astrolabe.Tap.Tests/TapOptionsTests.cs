using Astrolabe.Tap.Tests.Support;
using Microsoft.Extensions.Options;

namespace Astrolabe.Tap.Tests;

/// <summary>Wrong settings stop the service at start-up with a message naming the setting.</summary>
public sealed class TapOptionsTests
{
    [Theory]
    [InlineData("Tap:SyncTimeoutSeconds", "0", "Tap:SyncTimeoutSeconds must be greater than 0")]
    [InlineData("Tap:ConnectionString", "mysql://somewhere", "Tap:ConnectionString is neither")]
    [InlineData("Tap:DefaultMaxRec", "100000000", "Tap:DefaultMaxRec (100000000) must not exceed Tap:MaxRecLimit")]
    public async Task Bad_setting_fails_start_up_naming_it(string setting, string value, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TapTestServer.StartAsync(settings: new Dictionary<string, string?> { [setting] = value }, demo: false));
        Assert.Contains(message, error.Message);
    }
}
