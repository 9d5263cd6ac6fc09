using GovernanceBot.Conversation;
using GovernanceBot.Features.Audit;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Features.Audit;

public sealed class AuditExportTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AuditExport_GivesTheProgramManagerTheTrailAsACsvFile_EndingAtTheExportsOwnEntry(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("kpi record \"On-time delivery\" 93.5", "adelev@example.com");
        await bot.SendAsync("kpi record \"On-time delivery\" 99", "lynner@example.com");

        var file = Assert.Single(await bot.SendAsync("audit export Phoenix from 2026-11-25 to 2026-11-25", "alexw@example.com")).ShouldBeFile();
        // Something happens after the export was asked for: the file, made later, still ends at the export.
        await bot.SendAsync("kpi record \"On-time delivery\" 94", "adelev@example.com");
        var csv = await bot.FileTextAsync(file);

        Assert.Equal("phoenix-audit-trail-from-2026-11-25-to-2026-11-25.csv", file.File.FileName);
        Assert.StartsWith("at,actor,channel,action,subject,before,after\n", csv, StringComparison.Ordinal);
        Assert.Contains("2026-11-25T12:00:00Z,adelev,local,kpi.recorded,kpi:phoenix.on-time-delivery,,93.5 % on 2026-11-25\n", csv, StringComparison.Ordinal);
        Assert.Contains("lynner,local,kpi.record.refused", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("94 % on", csv, StringComparison.Ordinal);
        Assert.EndsWith("audit.exported,program:phoenix,,\"2026-11-25 to 2026-11-25, 3 entries\"\n", csv, StringComparison.Ordinal);
        await using (var db = await bot.Store.OpenAsync())
        {
            var exported = await db.Audit.SingleAsync(a => a.Action == "audit.exported");
            Assert.Equal($"**Audit trail of Phoenix**, 2026-11-25 to 2026-11-25: 3 entries before this export, times in UTC. Chain head: entry {exported.Seq} of this workspace's audit chain, sha256 {exported.Hash}.",
                file.Comment);
        }

        var later = Assert.Single(await bot.SendAsync("audit export Phoenix from 2026-11-26", "alexw@example.com")).ShouldBeFile();
        Assert.Contains("from 2026-11-26: 0 entries before this export", later.Comment, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnAuditFile_IsNotMade_ForSomeoneWhoStoppedBeingAProgramManagerAfterAskingForIt(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var file = Assert.Single(await bot.SendAsync("audit export Phoenix", "alexw@example.com")).ShouldBeFile();
        await using (var db = await bot.Store.OpenAsync())
        {
            var alex = await db.Stakeholders.SingleAsync(s => s.Email == "alexw@example.com");
            alex.Roles = [StakeholderRoles.Member];
            await db.SaveChangesAsync();
        }

        var made = await bot.MakeFileAsync(file);

        Assert.Null(made.Content);
        Assert.Contains("Only Phoenix's program managers and PMO can have the audit trail, and you are no longer one of them", made.Refusal, StringComparison.Ordinal);
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
