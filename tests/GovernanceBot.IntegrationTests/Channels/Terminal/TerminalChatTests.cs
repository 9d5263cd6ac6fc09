using System.Diagnostics;
using System.Globalization;
using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Hosting;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Terminal;

/// <summary>
/// The terminal channel as a person uses it: the executable's <c>chat</c> command in a process of its
/// own, on a SQLite store, typed into through standard input (or <c>--say</c> for scripts).
/// </summary>
public sealed class TerminalChatTests : IAsyncLifetime
{
    private const string Orion = """
        version: 1
        workspace: { key: acme, name: Acme }
        program: { key: orion, name: Orion, timeZone: Europe/London }
        stakeholders:
          - { key: pat, name: Pat Manager, email: pat@example.com, roles: [program-manager], timeZone: Europe/London }
          - { key: ana, name: Ana Lead, email: ana@example.com, roles: [project-manager], timeZone: Europe/London }
          - { key: meg, name: Meg Sponsor, email: meg@example.com, roles: [sponsor, approver], timeZone: Europe/London }
          - { key: lee, name: Lee Tech, email: lee@example.com, roles: [approver], timeZone: Europe/London }
        checkIns:
          - key: weekly
            name: Orion weekly
            schedule: "0 9 * * MON"
            window: 2d
            participants: { roles: [project-manager] }
            questions:
              - { key: confidence, text: How confident are you in the next milestone?, kind: scale, required: true }
              - { key: status, text: Overall status of your workstream?, kind: choice, required: true, options: [On track, Some risk, Off track] }
              - { key: highlights, text: What did your team get done?, kind: text }

        """;

    private TestStore store = null!;
    private string home = null!;

    public async Task InitializeAsync()
    {
        store = await TestStore.CreateAsync(StoreKind.Sqlite);
        home = Directory.CreateTempSubdirectory("gb-chat-").FullName;
    }

    public async Task DisposeAsync()
    {
        await store.DisposeAsync();
        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public async Task Say_OnAFreshStore_LoadsTheDemo_AndPrintsPhoenixStatusAsPlainText()
    {
        var chat = await ChatAsync(string.Empty, "--as", "alexw@example.com", "--say", "status Phoenix");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.StartsWith("Phoenix — program status", chat.Output, StringComparison.Ordinal);
        Assert.Contains("Manager: Alex Wilber", chat.Output, StringComparison.Ordinal);
        // Buttons are numbered; nothing on standard output is markup, an escape sequence or a log line.
        Assert.Contains("[#1] KPIs", chat.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("**", chat.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', chat.Output);
        Assert.DoesNotContain("GovernanceBot.", chat.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_AsSomeoneNotInTheStore_SaysSoWithTheNearestEmail_AndExitsWith2()
    {
        await ImportOrionAsync();

        var chat = await ChatAsync(string.Empty, "--as", "pat@exampel.com", "--say", "help");

        Assert.Equal(2, chat.ExitCode);
        Assert.Equal(string.Empty, chat.Output);
        Assert.Contains("pat@exampel.com is not the e-mail of a stakeholder in the store. Did you mean pat@example.com?", chat.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckIn_AnsweredByTypingIntoItsForm_IsStored_AndAWrongChoiceIsAskedAgain()
    {
        await ImportOrionAsync();
        var run = await ChatAsync(string.Empty, "--as", "pat@example.com", "--say", "checkin run Orion");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Opened Orion weekly", run.Output, StringComparison.Ordinal);

        // checkin → the form; 1 presses Submit; 9 is no choice, 4 is; 2 = Some risk; the text answer; exit.
        var chat = await ChatAsync("checkin\n1\n9\n4\n2\nShipped the login page\nexit\n", "--as", "ana@example.com");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.StartsWith("GovernanceBot: you are Ana Lead (ana@example.com) in Acme.", chat.Output, StringComparison.Ordinal);
        Assert.Contains("  ▸ How confident are you in the next milestone? (required)", chat.Output, StringComparison.Ordinal);
        Assert.Contains("[#1] Submit", chat.Output, StringComparison.Ordinal);
        Assert.Contains("\"9\" is not one of the choices: type its number, 1 to 5.", chat.Output, StringComparison.Ordinal);
        Assert.Contains("Thanks, Ana", chat.Output, StringComparison.Ordinal);
        await using var db = await store.OpenAsync();
        var answers = await db.CheckInResponses.Join(db.Stakeholders, r => r.StakeholderId, s => s.Id, (r, s) => new { s.Key, r.AnswersJson }).SingleAsync();
        Assert.Equal("ana", answers.Key);
        Assert.Contains("Shipped the login page", answers.AnswersJson, StringComparison.Ordinal);
        Assert.Contains("\"confidence\":\"4\"", answers.AnswersJson.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Some risk", answers.AnswersJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vote_PressedOnTheApprovalCard_IsRecordedWithTheTypedComment_AndNothingIsQueuedForTheTerminal()
    {
        await ImportOrionAsync();
        var due = DateTimeOffset.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var request = await ChatAsync(string.Empty, "--as", "pat@example.com", "--say", $"approval request \"Gate 2: build\" approvers @meg @lee quorum majority due {due}");
        Assert.True(request.ExitCode == 0, request.ToString());
        Assert.Contains("Requested Gate 2: build", request.Output, StringComparison.Ordinal);

        var chat = await ChatAsync("approvals\n1\nLooks ready to me\nexit\n", "--as", "meg@example.com");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.True(chat.Output.Contains("[#1] Approve   [#2] Reject…   [#3] Abstain", StringComparison.Ordinal), chat.Output);
        Assert.Contains("You voted ✅ Approve", chat.Output, StringComparison.Ordinal);
        await using var db = await store.OpenAsync();
        var vote = await db.Votes.Include(v => v.Approver).SingleAsync();
        Assert.Equal(("meg", VoteDecision.Approve, "Looks ready to me"), (vote.Approver!.Key, vote.Decision, vote.Comment));
        // The approvers' cards wait in the outbox for Teams or Slack; the terminal is answered directly, never through it.
        var outbox = await db.Outbox.AsNoTracking().ToListAsync();
        Assert.Contains(outbox, o => o.Destination == "person:lee@example.com");
        Assert.DoesNotContain(outbox, o => o.Channel == ChannelNames.Terminal || o.Destination.StartsWith(ChannelNames.Terminal, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Link_TypedInTheTerminal_IsRefusedWithWhereToLinkInstead_AndBindsNothing()
    {
        await ImportOrionAsync();

        var chat = await ChatAsync(string.Empty, "--as", "pat@example.com", "--say", "link Orion");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Contains("I can't post Orion's updates here: this conversation ends when you leave it", chat.Output, StringComparison.Ordinal);
        Assert.Contains("Type link Orion in the team's channel where the bot is added", chat.Output, StringComparison.Ordinal);
        await using var db = await store.OpenAsync();
        Assert.False(await db.ProgramChannels.AnyAsync());
    }

    [Fact]
    public async Task Approvers_NamedByAtEmail_AreThePeopleOfTheStoreWithThoseEmails()
    {
        await ImportOrionAsync();
        var due = DateTimeOffset.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var chat = await ChatAsync(string.Empty, "--as", "pat@example.com", "--say",
            $"approval request \"Gate 3: test\" approvers @meg@example.com @LEE@example.com quorum all due {due}");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Contains("Requested Gate 3: test", chat.Output, StringComparison.Ordinal);
        Assert.Contains("from Meg Sponsor, Lee Tech.", chat.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Question_IsAnsweredFromTheKnowledgeBase_WithItsSources()
    {
        await ImportOrionAsync();

        var chat = await ChatAsync(string.Empty, "--as", "ana@example.com", "--say", "how does a program manager differ from a product manager?");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.StartsWith("Program manager vs product manager", chat.Output, StringComparison.Ordinal);
        Assert.Contains("Sources", chat.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PressingANumberNoButtonHas_SaysWhichNumbersThereAre()
    {
        await ImportOrionAsync();

        var chat = await ChatAsync("5\nhelp\n99\nexit\n", "--as", "ana@example.com");

        Assert.True(chat.ExitCode == 0, chat.ToString());
        Assert.Contains("There is no button to press yet. Type a command first: help lists them.", chat.Output, StringComparison.Ordinal);
        Assert.Matches(@"There is no button 99: the buttons shown last are 1 to \d+\.", chat.Output);
    }

    private async Task ImportOrionAsync()
    {
        using var host = await GovernanceCli.StartServicesAsync(
            [$"--Store:Provider=sqlite", $"--ConnectionStrings:Governance={store.ConnectionString}"], null, CancellationToken.None);
        var imported = await host.Services.GetRequiredService<GovernanceImporter>().ImportAsync("orion.yaml", Orion, false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
    }

    /// <summary>Runs <c>GovernanceBot chat ARGS</c> on the test store with <paramref name="input"/> as its standard input.</summary>
    private async Task<ChatRun> ChatAsync(string input, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = home,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GovernanceBot.dll"));
        start.ArgumentList.Add("chat");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in store.Settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chat {string.Join(' ', arguments)} did not finish within 2 minutes.\n{await output}\n{await error}");
        }

        return new ChatRun(process.ExitCode, (await output).Replace("\r\n", "\n", StringComparison.Ordinal), await error);
    }

    private sealed record ChatRun(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }
}
