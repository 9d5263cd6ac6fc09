using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Conversation;

public sealed class ConversationEngineTests
{
    [Fact]
    public async Task Help_ListsEveryCommandTheRouterKnows()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var router = bot.Services.GetService(typeof(Router)) as Router;

        var card = Assert.Single(await bot.SendAsync("help")).ShouldBeCard("help");

        var json = card.Data.ToJsonString();
        foreach (var command in router!.Commands)
        {
            Assert.Contains(command.Usage.Replace("<", "\\u003C", StringComparison.Ordinal).Replace(">", "\\u003E", StringComparison.Ordinal), json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ATypo_GetsDidYouMeanWithTheRightCommand()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var text = Assert.Single(await bot.SendAsync("stauts Phoenix")).ShouldBeText();

        Assert.Contains("Did you mean **status <program>**", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQuestionOf241KB_IsRefusedPolitelyWithTheLimit_ToTheSenderOnly_WithoutRepeatingIt()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var question = "how does a program differ from a product? " + new string('x', 241 * 1024);

        var reply = Assert.Single(await bot.SendAsync(question, conversation: BotHarness.ChannelChat()));

        var text = reply.ShouldBeText();
        Assert.Contains("up to 2,000 characters", text, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxxxxxx", text, StringComparison.Ordinal);
        Assert.Equal(ReplyAudience.Requester, reply.Audience);
    }

    [Fact]
    public async Task AButtonFromAnUnknownCard_GetsAnExplanation_NotAnError()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var text = Assert.Single(await bot.ActAsync("old.verb", [])).ShouldBeText();

        Assert.Contains("no longer act on", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFirstTurnOfAPerson_IsRememberedWithTheirEmailAndDirectChat()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        await bot.SendAsync("help", asEmail: "meganb@example.com");

        await using var db = await bot.Store.OpenAsync();
        var user = await db.ChatUsers.SingleAsync(u => u.Email == "meganb@example.com");
        Assert.Contains("dm-meganb@example.com", user.DirectConversationJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APersonTalkingOnAndOn_IsNotRewrittenEveryMessage_ButTheirLastSeenMovesByTheMinute()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("help", asEmail: "meganb@example.com");
        var first = bot.Clock.GetUtcNow();

        bot.Clock.Advance(TimeSpan.FromSeconds(30));
        await bot.SendAsync("help", asEmail: "meganb@example.com");
        Assert.Equal(first, await LastSeenAsync(bot, "meganb@example.com"));

        bot.Clock.Advance(TimeSpan.FromSeconds(45));
        await bot.SendAsync("help", asEmail: "meganb@example.com");
        Assert.Equal(bot.Clock.GetUtcNow(), await LastSeenAsync(bot, "meganb@example.com"));
    }

    [Fact]
    public async Task AMemberWhoBecomesAGuest_IsStoredAsAGuestAtOnce_EvenWithinTheMinute()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("help", "meganb@example.com", Membership.Member);

        bot.Clock.Advance(TimeSpan.FromSeconds(10));
        await bot.SendAsync("help", "meganb@example.com", Membership.Guest);

        await using var db = await bot.Store.OpenAsync();
        var user = await db.ChatUsers.SingleAsync(u => u.Email == "meganb@example.com");
        Assert.Equal(Membership.Guest, user.Membership);
        Assert.Equal(bot.Clock.GetUtcNow(), user.MembershipCheckedAt);
    }

    private static async Task<DateTimeOffset> LastSeenAsync(BotHarness bot, string email)
    {
        await using var db = await bot.Store.OpenAsync();
        return (await db.ChatUsers.SingleAsync(u => u.Email == email)).LastSeenAt;
    }

    [Fact]
    public async Task Link_ByTheProgramManager_BindsTheProgramToThisConversationAndAudits()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var text = Assert.Single(await bot.SendAsync("link Phoenix", "alexw@example.com", BotHarness.ChannelChat("phoenix-team"))).ShouldBeText();

        Assert.Contains("Linked **Phoenix**", text, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var binding = await db.ProgramChannels.SingleAsync();
        Assert.Contains("phoenix-team", binding.ConversationJson, StringComparison.Ordinal);
        Assert.Equal("alexw", binding.LinkedBy);
        Assert.Single(await db.Audit.Where(a => a.Action == "program.linked").ToListAsync());
    }

    [Fact]
    public async Task Link_BySomeoneWhoIsNotAProgramManager_IsRefusedPolitelyAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("link Phoenix", "adelev@example.com", BotHarness.ChannelChat("elsewhere")));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Contains("Alex Wilber", reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.False(await db.ProgramChannels.AnyAsync());
        var audit = await db.Audit.SingleAsync(a => a.Action == "link.refused");
        Assert.Equal("adelev@example.com", audit.Actor);
    }

    [Fact]
    public async Task AnotherWorkspace_SeesNoneOfTheDemoPrograms()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await using (var db = await bot.Store.OpenAsync())
        {
            db.Workspaces.Add(new Workspace { Key = "other", Name = "Other Co" });
            await db.SaveChangesAsync();
        }

        var other = new ConversationRef(ChannelNames.Local, "other", "dm", ConversationKind.Personal);
        var text = Assert.Single(await bot.SendAsync("status Phoenix", "alexw@example.com", other)).ShouldBeText();

        Assert.Contains("no program called \"Phoenix\"", text, StringComparison.Ordinal);
        Assert.Contains("none is set up", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAuditLog_RefusesChangesToEntries()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await using var db = await bot.Store.OpenAsync();
        var entry = await db.Audit.FirstAsync();

        entry.Actor = "someone else";

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }
}
