using GovernanceBot.Conversation;
using GovernanceBot.Features.Audit;
using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Features.Audit;

public sealed class AuditExportTests
{
    [Fact]
    public async Task AuditExport_GivesTheProgramsTrailAsCsv_ToTheProgramManagerOnly()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("kpi record \"On-time delivery\" 93.5", "adelev@example.com");
        await bot.SendAsync("kpi record \"On-time delivery\" 99", "lynner@example.com");

        var reply = Assert.Single(await bot.SendAsync("audit export Phoenix from 2026-11-25 to 2026-11-25", "alexw@example.com"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        var text = reply.ShouldBeText();
        Assert.Contains("```\nat,actor,channel,action,subject,before,after\n", text, StringComparison.Ordinal);
        Assert.Contains("2026-11-25T12:00:00Z,adelev,local,kpi.recorded,kpi:phoenix.on-time-delivery,,93.5 % on 2026-11-25\n", text, StringComparison.Ordinal);
        Assert.Contains("lynner,local,kpi.record.refused", text, StringComparison.Ordinal);
        await using (var db = await bot.Store.OpenAsync())
        {
            var head = Assert.Single((await GovernanceBot.Store.AuditChain.VerifyAsync(db, null, CancellationToken.None)).Heads);
            Assert.EndsWith($"```\nChain head: entry {head.Seq} of this workspace's audit chain, sha256 {head.Hash}.", text, StringComparison.Ordinal);
        }

        var later = Assert.Single(await bot.SendAsync("audit export Phoenix from 2026-11-26", "alexw@example.com")).ShouldBeText();
        Assert.Contains("from 2026-11-26: 0 entries", later, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditExport_WithABadDate_ShowsAnExample()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var text = Assert.Single(await bot.SendAsync("audit export Phoenix from yesterday")).ShouldBeText();

        Assert.Contains("audit export Phoenix from 2026-11-01 to 2026-11-30", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("plain", "plain")]
    [InlineData("-1", "'-1")]
    public void CsvCells_AreQuotedAndDefusedForSpreadsheets(string value, string expected) =>
        Assert.Equal(expected, AuditCsv.Cell(value));
}
