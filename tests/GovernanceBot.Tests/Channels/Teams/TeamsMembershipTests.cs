using GovernanceBot.Channels.Teams;
using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Channels.Teams;

public sealed class TeamsMembershipTests
{
    private const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    [Theory]
    [InlineData("user", Tenant, Membership.Member)]
    [InlineData("guest", Tenant, Membership.Guest)]
    [InlineData("anonymous", null, Membership.Guest)]
    [InlineData("user", "0d2a6f3c-0000-4000-8000-000000000001", Membership.External)]
    [InlineData(null, null, Membership.Unknown)]
    public void AMemberLookup_SaysWhetherSomeoneIsAMemberAGuestOrFromAnotherTenant(string? userRole, string? tenantId, Membership expected) =>
        Assert.Equal(expected, TeamsMembership.MembershipOf(new ChannelAccount { Id = "29:1", UserRole = userRole, TenantId = tenantId }, Tenant));

    [Fact]
    public async Task AKnownUser_IsLookedUpAgain_WhenWhatTeamsSaidIsMissingOrOlderThanTheBound()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var teams = bot.Services.GetRequiredService<TeamsMembership>();
        await bot.Services.GetRequiredService<ConversationEngine>().HandleAsync(new Turn
        {
            Conversation = new ConversationRef(ChannelNames.Teams, Tenant, "a:1on1", ConversationKind.Personal, "https://smba.example/"),
            User = new ChatUserRef("29:guest", "Gus", "gus@partner.example"),
            Text = "help",
            ReceivedAt = bot.Clock.GetUtcNow(),
        }, CancellationToken.None);

        var never = await teams.KnownUserAsync(Tenant, "29:guest", null, CancellationToken.None);
        DateTimeOffset? checkedAt = bot.Clock.GetUtcNow();
        await using (var db = await bot.Store.OpenAsync())
        {
            await db.ChatUsers.Where(u => u.ExternalUserId == "29:guest").ExecuteUpdateAsync(s => s
                .SetProperty(u => u.Membership, Membership.Guest).SetProperty(u => u.MembershipCheckedAt, bot.Clock.GetUtcNow()));
        }

        var fresh = await teams.KnownUserAsync(Tenant, "29:guest", null, CancellationToken.None);
        bot.Clock.Advance(TimeSpan.FromMinutes(16));
        var stale = await teams.KnownUserAsync(Tenant, "29:guest", null, CancellationToken.None);

        Assert.Equal(("gus@partner.example", Membership.Unknown, (DateTimeOffset?)null, true), never);
        Assert.Equal(("gus@partner.example", Membership.Guest, checkedAt, false), fresh);
        Assert.Equal(("gus@partner.example", Membership.Guest, checkedAt, true), stale);
    }

    [Fact]
    public async Task ATeamsGuest_AskingForTheAuditTrail_IsRefused_AndSeesOnlyTheLinkedProgramsStatusInItsChannel()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var channel = new ConversationRef(ChannelNames.Teams, Tenant, "19:phoenix@thread.tacv2", ConversationKind.Channel, "https://smba.example/");
        await bot.SendAsync("link Phoenix", "alexw@example.com", channel);

        var audit = Assert.Single(await SendAsync(bot, "audit export Phoenix", channel));
        var status = Assert.Single(await SendAsync(bot, "status", channel));

        Assert.True(audit.ShouldBeText().Contains("You are a guest in this workspace", StringComparison.Ordinal), audit.ShouldBeText());
        Assert.Equal(ReplyAudience.Requester, audit.Audience);
        status.ShouldBeCard("program.status");
    }

    /// <summary>A Teams guest as the lead's member lookup will describe them: <c>userRole</c> guest, on the turn's user.</summary>
    private static Task<IReadOnlyList<Reply>> SendAsync(BotHarness bot, string text, ConversationRef channel) =>
        bot.Services.GetRequiredService<ConversationEngine>().HandleAsync(new Turn
        {
            Conversation = channel,
            User = new ChatUserRef("29:guest", "Gus", "alexw@example.com", Membership: TeamsMembership.MembershipOf(new ChannelAccount { UserRole = "guest", TenantId = Tenant }, Tenant)),
            Text = text,
            ReceivedAt = bot.Clock.GetUtcNow(),
        }, CancellationToken.None);
}
