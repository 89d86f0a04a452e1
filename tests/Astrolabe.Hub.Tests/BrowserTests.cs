using Microsoft.Playwright;

namespace Astrolabe.Hub.Tests;

/// <summary>A real browser (Debian's Chromium driven by Playwright) does what an astronomer does: log in, start the
/// server, open a new notebook, run a cell and see its output. A screenshot is kept as a test artefact.</summary>
[Collection("servers")]
public sealed class BrowserTests
{
    private static string Artifacts => Environment.GetEnvironmentVariable("ASTROLABE_TEST_ARTIFACTS") is { Length: > 0 } a ? a
        : Path.Combine(AppContext.BaseDirectory, "artifacts");

    [Fact]
    public async Task An_astronomer_logs_in_starts_a_server_and_runs_a_cell_in_a_new_notebook()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is needed (scripts/test.sh installs it).");
        await using var hub = await HubHost.StartAsync();
        var password = await hub.AddUserAsync("web-vera");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        Directory.CreateDirectory(Artifacts);
        try
        {
            await page.GotoAsync(hub.Url + "hub/home");
            await page.FillAsync("input[name=username]", "web-vera");
            await page.FillAsync("input[name=password]", password);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync("**/hub/home");

            await page.ClickAsync("#start");
            // The home page follows progress and moves to the server when it is ready.
            await page.WaitForURLAsync("**/user/web-vera/**", new PageWaitForURLOptions { Timeout = 90_000 });
            await page.WaitForSelectorAsync("#notebook_list");

            // A new notebook through the classic UI's "New" menu opens in a new tab.
            var newTab = await context.RunAndWaitForPageAsync(async () =>
            {
                await page.ClickAsync("#new-dropdown-button");
                await page.ClickAsync("#kernel-python3 a, #new-menu a:has-text('Python 3')");
            });
            newTab.SetDefaultTimeout(60_000);
            await newTab.WaitForSelectorAsync(".CodeMirror");
            await newTab.WaitForSelectorAsync("#kernel_indicator_icon.kernel_idle_icon");
            await newTab.ClickAsync(".CodeMirror");
            await newTab.Keyboard.TypeAsync("import astropy; print('astropy', 6 * 7)");
            await newTab.Keyboard.PressAsync("Shift+Enter");
            var output = newTab.Locator(".output_subarea").First;
            await output.WaitForAsync();
            Assert.Contains("astropy 42", await output.InnerTextAsync());
            await newTab.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "notebook-cell-output.png"), FullPage = true });
        }
        catch
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, "browser-failure.png"), FullPage = true });
            throw;
        }
    }
}
