using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Tests.Cards;

namespace GovernanceBot.Tests.Channels.Slack;

/// <summary>The App Home view, checked by Slack's own types (@slack/types under tsc) and read for what a person sees.</summary>
public sealed class SlackHomeViewTests
{
    private static readonly HomeView Busy = new("Contoso",
        [
            new HomeItem("checkin", "Phoenix weekly check-in", "Phoenix · closes Tue 1 Dec, 17:00", "Answer", HomeTabs.AnswerVerb, new() { ["program"] = "phoenix" }),
            new HomeItem("vote", "Gate 3: <!channel> release", "Phoenix · Stage gate · due Sat 5 Dec", "Vote", HomeTabs.VoteVerb, new() { ["program"] = "phoenix", ["approval"] = "gate-3" }),
            new HomeItem("kpi", "Customer satisfaction: a value is due", "Phoenix · last 4.1 on 23 Nov", "Record a value", "kpi.detail", new() { ["kpiId"] = "phoenix.csat" }),
        ],
        [
            new HomeProgram("phoenix", "Phoenix <@U123> & co", "red", "Red", "2 KPI(s) off target and 1 benefit(s) at risk need attention.", "Delivery"),
            new HomeProgram("atlas", "Atlas", "green", "Green", "Every KPI is on target.", "Definition"),
        ],
        WorkspaceHasPrograms: true,
        Outsider: false);

    private static readonly HomeView Empty = new("Contoso", [], [], WorkspaceHasPrograms: false, Outsider: false);

    private static readonly HomeView Guest = new("Contoso", [], [], WorkspaceHasPrograms: true, Outsider: true);

    private static HomeView Large() => Busy with
    {
        Waiting = [.. Enumerable.Range(1, 60).Select(i => Busy.Waiting[i % 3] with { Title = $"Item {i}" })],
        Programs = [.. Enumerable.Range(1, 50).Select(i => Busy.Programs[0] with { Key = $"p{i}", Name = $"Program {i}" })],
    };

    [Fact]
    public void TheHome_ShowsEachWaitingItemWithItsButton_TheProgramsWithTheirHealth_AndTheDashboard()
    {
        var view = SlackHome.Build(Busy);
        var text = Text(view);

        Assert.Equal("home", (string?)view["type"]);
        var buttons = view["blocks"]!.AsArray().Select(b => b!["accessory"] ?? b["elements"]?[0]).OfType<JsonObject>()
            .Select(b => ((string)b["action_id"]!, (string?)b["value"])).ToList();
        Assert.Equal([
            ("home.checkin#1", "{\"program\":\"phoenix\"}"),
            ("home.approvals#2", "{\"program\":\"phoenix\",\"approval\":\"gate-3\"}"),
            ("kpi.detail#3", "{\"kpiId\":\"phoenix.csat\"}"),
            ("status.show#4", "{\"program\":\"phoenix\"}"),
            ("status.show#5", "{\"program\":\"atlas\"}"),
            ("dashboard.open#6", "{}"),
        ], buttons);
        // Names people typed stay text: no mention or broadcast can be planted through them.
        Assert.Contains("Gate 3: &lt;!channel&gt; release", text, StringComparison.Ordinal);
        Assert.Contains("Phoenix &lt;@U123&gt; &amp; co", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AHomeWithMoreThanSlackHolds_StaysWithinTheViewLimit_AndSaysWhereTheRestIs()
    {
        var view = SlackHome.Build(Large());

        Assert.True(view["blocks"]!.AsArray().Count <= 100, $"{view["blocks"]!.AsArray().Count} blocks");
        Assert.Contains("…and 40 more: type *checkin*, *approvals* or *kpis*", Text(view), StringComparison.Ordinal);
        Assert.Contains("…and 25 more programs on the dashboard.", Text(view), StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyWorkspace_AndAGuest_EachGetAHomeThatSaysWhatToDo()
    {
        Assert.Contains("No programs are set up in this workspace yet", Text(SlackHome.Build(Empty)), StringComparison.Ordinal);
        Assert.Contains("Nothing is waiting for you", Text(SlackHome.Build(Empty)), StringComparison.Ordinal);
        Assert.Contains("You see a program's status in the channel it is posted to.", Text(SlackHome.Build(Guest)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryHomeView_SatisfiesSlackTypesView()
    {
        Assert.True(NodeConformance.NodeAvailable(), "node is not on PATH: the view type check needs Node 20 (see tests/conformance/cards/README.md)");
        await NodeConformance.EnsurePackagesAsync();
        var dir = Path.Combine(Path.GetTempPath(), "governancebot-views-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var (name, home) in new[] { ("busy", Busy), ("empty", Empty), ("guest", Guest), ("large", Large()) })
            {
                await File.WriteAllTextAsync(Path.Combine(dir, $"home.{name}.view.json"), SlackHome.Build(home).ToJsonString());
            }

            var (code, output) = await NodeConformance.RunAsync("node", ["--test", "views.test.mjs"], NodeConformance.CardsToolDirectory,
                new Dictionary<string, string> { ["VIEWS_DIR"] = dir });

            Assert.True(code == 0, output);
            Assert.Contains("# fail 0", output, StringComparison.Ordinal);
            Assert.Contains("# pass 7", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The view as Slack reads it: JSON without \u escapes, so the mrkdwn is as sent.</summary>
    private static string Text(JsonObject view) => view.ToJsonString(AsSent);

    private static readonly JsonSerializerOptions AsSent = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
