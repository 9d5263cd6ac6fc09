using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GovernanceBot.IntegrationTests.Features.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through Playwright) against the whole bot on
/// Kestrel: links made by the CLI and by chat, pages read as a person reads them, axe-core's
/// accessibility check, and screenshots (into <c>GOVERNANCEBOT_SCREENSHOTS</c> when set: <c>docs/dashboard</c>).
/// </summary>
public sealed class DashboardBrowserTests(Browser browser) : IClassFixture<Browser>
{
    private const string ExpiredPage = "This link has expired";
    private const float Patience = 30_000;

    [Fact]
    public async Task DashboardLinkFromTheCli_OpensThePortfolio_AndTheProgramPageShowsItsHealthAndEachKpiValueAsStored()
    {
        await using var bot = await DashboardSteps.StartAsync(StoreKind.Sqlite);
        await DashboardSteps.SeedCheckInRoundsAsync(bot, "Vendor API is two weeks late");
        var (exit, output, error) = await CliRunner.RunAsync(bot.Store, "dashboard-link", "--user", "meganb@example.com",
            $"--Dashboard:PublicUrl={bot.BaseAddress.ToString().TrimEnd('/')}");
        Assert.True(exit == 0, error);
        var url = output.Trim();
        Assert.StartsWith($"{bot.BaseAddress}dashboard/start/demo?t=", url, StringComparison.Ordinal);

        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync(url);
        Assert.Equal(200, response!.Status);
        Assert.EndsWith("/dashboard", page.Url, StringComparison.Ordinal);
        var expectedHealth = await HealthAsync(bot, "phoenix");
        var row = page.Locator("tr[data-program='phoenix']");
        Assert.Equal("Phoenix", await row.Locator("th a").InnerTextAsync());
        Assert.StartsWith(expectedHealth, await row.Locator(".rag").InnerTextAsync(), StringComparison.Ordinal);
        await AssertAccessibleAsync(page, "portfolio");
        await ScreenshotAsync(page, "portfolio");

        await row.Locator("th a").ClickAsync();
        // Expect polls the address and the page; WaitForURL also waits for a load event, which on a
        // loaded machine it has missed (a 30 s time-out with the page already shown).
        await Expect(page).ToHaveURLAsync(new Regex("/dashboard/programs/phoenix$"), new() { Timeout = Patience });
        await Expect(page.Locator("h1")).ToHaveTextAsync("Phoenix", new() { Timeout = Patience });
        Assert.Contains(expectedHealth, await page.Locator(".health .rag").InnerTextAsync(), StringComparison.Ordinal);
        var values = await DashboardSteps.LatestValuesAsync(bot, "phoenix");
        Assert.Equal(values.Count, await page.Locator("[data-kpi]").CountAsync());
        foreach (var (kpi, value) in values)
        {
            Assert.Equal(value, await page.Locator($"[data-kpi='{kpi}'] .kpi-value").InnerTextAsync());
        }

        Assert.Contains("Gate 3: release to pilot customers", await page.Locator("[data-approval='gate-3'] th").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("1 approve, 0 reject, 0 abstain, 2 not voted", await page.Locator("[data-approval='gate-3'] .tally").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Vendor API is two weeks late", await page.Locator(".quotes").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("svg[role='img'] title").CountAsync() > values.Count, "every chart has a title for screen readers");
        await AssertAccessibleAsync(page, "program");
        await ScreenshotAsync(page, "program");

        await page.GetByRole(AriaRole.Link, new() { Name = "Portfolio" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/dashboard$"), new() { Timeout = Patience });
        await Expect(page.Locator("tr[data-program]")).ToHaveCountAsync(1, new() { Timeout = Patience });
    }

    [Fact]
    public async Task ForgedExpiredReusedAndOtherWorkspaceLinks_AreEachRefusedWithTheExpiredPageAndA403()
    {
        await using var bot = await DashboardSteps.StartAsync(StoreKind.Sqlite);
        await SecondWorkspace.ImportAsync(bot);

        var good = await DashboardSteps.LinkAsync(bot, "alexw@example.com");
        var forged = good[..^6] + (good[^6] == 'A' ? "B" : "A") + good[^5..];
        await AssertRefusedAsync(forged, "a link with one character changed");
        await AssertRefusedAsync(good.Replace("/start/demo?", $"/start/{SecondWorkspace.Key}?", StringComparison.Ordinal), "a demo link at Globex's address");

        var page = await browser.NewPageAsync();
        Assert.Equal(200, (await page.GotoAsync(good))!.Status);
        await AssertRefusedAsync(good, "the same link a second time");

        var expiring = await DashboardSteps.LinkAsync(bot, "alexw@example.com");
        bot.Clock.Advance(TimeSpan.FromMinutes(16));
        await AssertRefusedAsync(expiring, "a link 16 minutes old");
        await ScreenshotAsync(await LastRefusalAsync(expiring), "link-expired");

        async Task AssertRefusedAsync(string link, string what)
        {
            var fresh = await browser.NewPageAsync();
            var response = await fresh.GotoAsync(link);
            Assert.True(response!.Status == 403, $"{what}: {response.Status}");
            Assert.Equal(ExpiredPage, await fresh.Locator("h1").InnerTextAsync());
            Assert.Contains("Type dashboard in chat", await fresh.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            // Nothing of the workspace is reachable without the session the link would have started.
            Assert.Equal(401, (await fresh.GotoAsync($"{bot.BaseAddress}dashboard"))!.Status);
        }

        async Task<IPage> LastRefusalAsync(string link)
        {
            var fresh = await browser.NewPageAsync();
            await fresh.GotoAsync(link);
            return fresh;
        }
    }

    [Fact]
    public async Task HtmlAndScriptInProgramNamesKpiNotesAndAnswers_AreShownAsTextAndNeverRun()
    {
        const string Name = "<script>alert('name')</script><b>Phoenix</b>";
        const string Note = "<img src=x onerror=\"alert('note')\">late data";
        const string Answer = "<a href=\"javascript:alert('answer')\">click</a> vendor late";
        await using var bot = await DashboardSteps.StartAsync(StoreKind.Sqlite);
        await using (var db = await bot.Store.OpenAsync())
        {
            var program = await db.Programs.SingleAsync(p => p.Key == "phoenix");
            program.Name = Name;
            var csat = await db.Kpis.SingleAsync(k => k.Key == "csat" && k.ProgramId == program.Id);
            var latest = await db.KpiMeasurements.Where(m => m.KpiId == csat.Id).OrderByDescending(m => m.Date).FirstAsync();
            latest.Note = Note;
            await db.SaveChangesAsync();
        }

        await DashboardSteps.SeedCheckInRoundsAsync(bot, Answer);
        var page = await browser.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        var response = await page.GotoAsync(await DashboardSteps.LinkAsync(bot, "alexw@example.com", "phoenix"));

        Assert.Equal(200, response!.Status);
        Assert.Contains("default-src 'none'", (await response.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal(Name, await page.Locator("h1").InnerTextAsync());
        Assert.Equal(Note, await page.Locator("[data-kpi='csat'] .kpi-note").InnerTextAsync());
        Assert.Equal(Answer, await page.Locator(".quotes .answer").InnerTextAsync());
        Assert.Equal(0, await page.Locator("main script, main img, main b, .quotes a").CountAsync());
        await page.GotoAsync($"{bot.BaseAddress}dashboard");
        Assert.Equal(Name, await page.Locator("tr[data-program='phoenix'] th a").InnerTextAsync());
        Assert.Empty(dialogs);
    }

    [Fact]
    public async Task AStoreWithNoPrograms_ShowsAnEmptyPortfolioThatSaysHowToImportOne()
    {
        await using var bot = await DashboardSteps.StartAsync(StoreKind.Sqlite, loadDemo: false);
        await using (var db = await bot.Store.OpenAsync())
        {
            db.Workspaces.Add(new Workspace { Key = "demo", Name = "Contoso", CreatedAt = bot.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        var page = await browser.NewPageAsync();
        Assert.Equal(200, (await page.GotoAsync(await DashboardSteps.LinkAsync(bot, "alexw@example.com")))!.Status);

        var text = await page.Locator("main").InnerTextAsync();
        Assert.Contains("No programs are set up in this workspace yet", text, StringComparison.Ordinal);
        Assert.Contains("governancebot import program.yaml", text, StringComparison.Ordinal);
        await AssertAccessibleAsync(page, "empty portfolio");
        await ScreenshotAsync(page, "portfolio-empty");
    }

    [Fact]
    public async Task AProgramKeyThePersonMayNotRead_GetsTheSamePageAsOneThatDoesNotExist()
    {
        await using var bot = await DashboardSteps.StartAsync(StoreKind.Sqlite);
        await SecondWorkspace.ImportAsync(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            var demo = await db.Workspaces.SingleAsync(w => w.Key == "demo");
            db.ChatUsers.Add(new ChatUser { WorkspaceId = demo.Id, Channel = "slack", ExternalUserId = "UGUEST", Email = "guest@partner.example", Membership = Membership.Guest });
            await db.SaveChangesAsync();
        }

        var guest = await browser.NewPageAsync();
        Assert.Equal(200, (await guest.GotoAsync(await DashboardSteps.LinkAsync(bot, "guest@partner.example")))!.Status);
        Assert.Contains("There is no program here you can see", await guest.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        var refused = await guest.GotoAsync($"{bot.BaseAddress}dashboard/programs/phoenix");
        Assert.Equal(404, refused!.Status);
        var refusedText = await guest.Locator("main").InnerTextAsync();

        // Globex's program, seen from a demo session: no different from a key that exists nowhere.
        var member = await browser.NewPageAsync();
        await member.GotoAsync(await DashboardSteps.LinkAsync(bot, "alexw@example.com"));
        var atlas = await member.GotoAsync($"{bot.BaseAddress}dashboard/programs/atlas");
        var nowhere = await member.GotoAsync($"{bot.BaseAddress}dashboard/programs/nowhere");
        Assert.Equal(404, atlas!.Status);
        Assert.Equal(404, nowhere!.Status);
        Assert.Equal(refusedText.Replace("phoenix", "nowhere", StringComparison.Ordinal), await member.Locator("main").InnerTextAsync());
        Assert.DoesNotContain(SecondWorkspace.ProgramName, await member.ContentAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> HealthAsync(BotHarness bot, string key)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GovernanceDb>();
        var program = await db.Programs.SingleAsync(p => p.Key == key);
        var card = await scope.ServiceProvider.GetRequiredService<ProgramStatusQuery>().GetAsync(program.Id, CancellationToken.None);
        return card.Overall.Rag switch
        {
            "green" => "Green",
            "amber" => "Amber",
            "red" => "Red",
            _ => "No data",
        };
    }

    /// <summary>axe-core (Deque's, run in the page): no serious or critical violation.</summary>
    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)).Take(3))})")
            .ToList();
        Assert.True(serious.Count == 0, $"{what}: {string.Join("; ", serious)}");
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("GOVERNANCEBOT_SCREENSHOTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "governancebot-screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, $"{name}.png"), FullPage = true });
    }
}
