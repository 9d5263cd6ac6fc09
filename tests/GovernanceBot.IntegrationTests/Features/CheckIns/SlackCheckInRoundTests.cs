using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static GovernanceBot.IntegrationTests.Features.CheckIns.CheckInSteps;

namespace GovernanceBot.IntegrationTests.Features.CheckIns;

/// <summary>
/// A Phoenix check-in round in Slack, end to end: signed requests, the real renderer and Block Kit
/// translator, the fake Web API. Nobody has talked to the bot before the round: it finds each person
/// by e-mail, opens the DM and posts the prompt, whose button opens the form as a modal.
/// </summary>
public sealed class SlackCheckInRoundTests
{
    private static readonly ChatPerson Adele = new("UADELE", "Adele Vance", "adelev@example.com");
    private static readonly ChatPerson Isaiah = new("UISAIAH", "Isaiah Langer", "isaiahl@example.com");
    private static readonly ChatPerson Patti = new("UPATTI", "Patti Fernandez", "pattif@example.com");
    private static readonly ChatPerson Lynne = new("ULYNNE", "Lynne Robbins", "lynner@example.com");
    private static readonly ChatPerson Diego = new("UDIEGO", "Diego Siciliani", "diegos@example.com");
    private static readonly ChatPerson[] Participants = [Adele, Isaiah, Patti, Lynne, Diego];

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARound_PromptsEachParticipantOnceInTheirDm_AtTheirLocalTime_TakesAnswersFromTheModal_RemindsOnlyNonResponders_AndPostsTheSummaryToTheLinkedChannel(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);

        await SweepTwiceAndDrainAsync(slack.Bot);

        // 08:00 UTC: only Sydney and Berlin have reached 09:00.
        Assert.Single(PromptsTo(slack, Isaiah));
        Assert.Single(PromptsTo(slack, Lynne));
        Assert.Equal(["UISAIAH", "ULYNNE"], slack.Slack.CallsTo("conversations.open").Select(c => (string?)c.Body["users"]).Order(StringComparer.Ordinal));

        slack.Bot.Clock.SetUtcNow(MondayEvening);
        await SweepTwiceAndDrainAsync(slack.Bot);

        Assert.All(Participants, p => Assert.Single(PromptsTo(slack, p)));
        Assert.DoesNotContain(slack.Slack.CallsTo("chat.postMessage"), c => (string?)c.Body["channel"] == "DUALEX");

        // Adele presses the prompt's button: the form opens as a modal; submitting it stores her answers and thanks her in place.
        var prompt = Assert.Single(PromptsTo(slack, Adele));
        var form = await OpenFormAsync(slack, Adele, prompt);
        using (var submitted = await SubmitFormAsync(slack, Adele, form, Answers("4", "On track", risks: "Vendor sandbox is down most afternoons.")))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            Assert.Equal(string.Empty, await submitted.Content.ReadAsStringAsync());
        }

        await slack.IdleAsync();
        var thanks = Assert.Single(slack.Slack.CallsTo("chat.update"), u => (string?)u.Body["channel"] == "DUADELE");
        Assert.Equal((string?)prompt.Answer!["ts"], (string?)thanks.Body["ts"]);
        Assert.Equal("Thanks, Adele: your check-in is recorded.", (string?)thanks.Body["text"]);
        // When, as a date token each reader's Slack shows in their own zone (the fallback in Adele's, named), not a bare "18:00".
        Assert.Contains($"were recorded <!date^{MondayEvening.ToUnixTimeSeconds()}^{{date_short_pretty}} at {{time}}|Mon 30 Nov 2026, 18:00 (Europe/London)>.", Texts(thanks.Body["blocks"]), StringComparison.Ordinal);
        Assert.Equal(["adelev@example.com"], await RespondentsAsync(slack.Bot));
        Assert.Contains("\"confidence\":\"4\"", await AnswersOfAsync(slack.Bot, Adele.Email), StringComparison.Ordinal);

        var pattisForm = await OpenFormAsync(slack, Patti, Assert.Single(PromptsTo(slack, Patti)));
        using (await SubmitFormAsync(slack, Patti, pattisForm, Answers("3", "Some risk")))
        {
        }

        await slack.IdleAsync();

        slack.Bot.Clock.SetUtcNow(ReminderTime);
        await SweepTwiceAndDrainAsync(slack.Bot);

        foreach (var waiting in new[] { Isaiah, Lynne, Diego })
        {
            Assert.Single(RemindersTo(slack, waiting));
        }

        Assert.Empty(RemindersTo(slack, Adele));
        Assert.Empty(RemindersTo(slack, Patti));

        slack.Bot.Clock.SetUtcNow(CloseTime);
        await SweepTwiceAndDrainAsync(slack.Bot);
        await SweepTwiceAndDrainAsync(slack.Bot);

        var summary = Assert.Single(Delivered(slack), c => (string?)c.Body["channel"] == "C0PROGRAM" && ((string?)c.Body["text"])?.StartsWith("Phoenix weekly check-in (", StringComparison.Ordinal) == true);
        Assert.Contains("2 of 5 answered", (string?)summary.Body["text"], StringComparison.Ordinal);
        Assert.Contains("Vendor sandbox is down most afternoons.", summary.Body["blocks"]!.ToJsonString(), StringComparison.Ordinal);

        // Lynne opens her prompt's form after the close and submits: refused politely in her DM, nothing stored.
        var lateForm = await OpenFormAsync(slack, Lynne, Assert.Single(PromptsTo(slack, Lynne)));
        using (await SubmitFormAsync(slack, Lynne, lateForm, Answers("5", "On track")))
        {
        }

        await slack.IdleAsync();
        var refusal = Assert.Single(Delivered(slack), c => (string?)c.Body["channel"] == "DULYNNE" && ((string?)c.Body["text"])?.StartsWith("Sorry, Lynne", StringComparison.Ordinal) == true);
        Assert.Contains("closed", (string?)refusal.Body["text"], StringComparison.Ordinal);
        Assert.Contains("not recorded", (string?)refusal.Body["text"], StringComparison.Ordinal);
        Assert.Equal(["adelev@example.com", "pattif@example.com"], await RespondentsAsync(slack.Bot));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnInvalidAnswerInTheModal_ComesBackAsErrorsUnderItsInputs_AndNothingIsStored(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);
        slack.Bot.Clock.SetUtcNow(MondayEvening);
        await SweepTwiceAndDrainAsync(slack.Bot);
        var form = await OpenFormAsync(slack, Isaiah, Assert.Single(PromptsTo(slack, Isaiah)));

        // Slack itself only offers the listed scores; a stale or forged form can still send another.
        using var response = await SubmitFormAsync(slack, Isaiah, form, Answers("7", null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.False(raw.Length == 0, "the modal was closed (empty 200) instead of showing what is wrong under the inputs");
        var body = JsonNode.Parse(raw)!;
        Assert.Equal("errors", (string?)body["response_action"]);
        Assert.Contains("pick a score from 1 to 5 (got \"7\")", (string?)body["errors"]!["q_confidence"], StringComparison.Ordinal);
        Assert.Contains("needs an answer", (string?)body["errors"]!["q_status"], StringComparison.Ordinal);
        await slack.IdleAsync();
        Assert.Empty(await RespondentsAsync(slack.Bot));
        Assert.Empty(slack.Slack.CallsTo("chat.update"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ThePromptsButtonSaysAnswer_ItsFormSaysSubmit_AndARemindersSaysItIsOneAndWhenTheRoundCloses(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);
        await OpenOnScheduleAsync(slack.Bot);

        var prompt = Assert.Single(PromptsTo(slack, Isaiah));
        Assert.Equal("Answer", (string?)FormButton(prompt)!["text"]!["text"]);

        slack.Bot.Clock.SetUtcNow(ReminderTime);
        await SweepTwiceAndDrainAsync(slack.Bot);

        var reminder = Assert.Single(InDm(slack, Isaiah), c => FormButton(c) is not null && c != prompt);
        // The close is a date token: Isaiah's Slack shows it in his own zone, whichever device he reads it on.
        Assert.Equal("Reminder: Phoenix weekly check-in closes <!date^1796173200^{date_short_pretty} at {time}|Wed 2 Dec 2026, 12:00 (Australia/Sydney)> and you haven't answered yet.", (string?)reminder.Body["text"]);
        Assert.Contains("⏰ *Reminder:* you haven't answered yet. This round closes <!date^1796173200^{date_short_pretty} at {time}|Wed 2 Dec 2026, 12:00 (Australia/Sydney)>.", Texts(reminder.Body["blocks"]), StringComparison.Ordinal);
        Assert.DoesNotContain("your time", Texts(reminder.Body["blocks"]), StringComparison.Ordinal);
        Assert.Equal("Answer", (string?)FormButton(reminder)!["text"]!["text"]);
        // The button opens the form; the form's own button sends it.
        var form = await OpenFormAsync(slack, Isaiah, reminder);
        Assert.Equal("Submit", (string?)form.View["submit"]!["text"]);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheSummaryOfAClosedRound_MentionsWhoDidNotAnswer_ShowsEveryWrittenAnswer_AndThePromptsShowTheyAreClosed(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);
        await using (var db = await slack.Bot.Store.OpenAsync())
        {
            await db.CheckIns.ExecuteUpdateAsync(s => s.SetProperty(c => c.MentionNonResponders, true));
        }

        await OpenOnScheduleAsync(slack.Bot);
        foreach (var (who, confidence, status) in new[] { (Adele, "4", "On track"), (Patti, "3", "Some risk") })
        {
            var form = await OpenFormAsync(slack, who, Assert.Single(PromptsTo(slack, who)));
            using (await SubmitFormAsync(slack, who, form, Answers(confidence, status)))
            {
            }

            await slack.IdleAsync();
        }

        slack.Bot.Clock.SetUtcNow(CloseTime);
        await SweepTwiceAndDrainAsync(slack.Bot);

        var summary = Assert.Single(Delivered(slack), c => (string?)c.Body["channel"] == "C0PROGRAM" && ((string?)c.Body["text"])?.StartsWith("Phoenix weekly check-in (", StringComparison.Ordinal) == true);
        var texts = Texts(summary.Body["blocks"]);
        Assert.Contains("Average *3.5* of 5", texts, StringComparison.Ordinal);
        Assert.DoesNotContain("of of", texts, StringComparison.Ordinal);
        Assert.Contains("Did not answer (3)", texts, StringComparison.Ordinal);
        Assert.DoesNotContain("Not answered yet", texts, StringComparison.Ordinal);
        Assert.Contains("<@UDIEGO>, <@UISAIAH>, <@ULYNNE>", texts, StringComparison.Ordinal);
        Assert.DoesNotContain("@example.com", texts, StringComparison.Ordinal);
        Assert.Contains("Show all answers", texts, StringComparison.Ordinal);
        Assert.Contains("Release 1 passed security testing.", texts, StringComparison.Ordinal);

        // Isaiah's prompt no longer offers the form; Adele's thanks no longer offers Edit.
        var isaiahs = slack.Slack.CallsTo("chat.update").Last(u => (string?)u.Body["channel"] == "DUISAIAH");
        Assert.Equal((string?)Assert.Single(PromptsTo(slack, Isaiah)).Answer!["ts"], (string?)isaiahs.Body["ts"]);
        Assert.Contains("🔒 This round closed <!date^1796173200^{date_short_pretty} at {time}|Wed 2 Dec 2026, 12:00 (Australia/Sydney)>. Answers are no longer recorded", Texts(isaiahs.Body["blocks"]), StringComparison.Ordinal);
        Assert.Null(FormButton(isaiahs));
        var adeles = slack.Slack.CallsTo("chat.update").Last(u => (string?)u.Body["channel"] == "DUADELE");
        Assert.Contains("This round has closed", Texts(adeles.Body["blocks"]), StringComparison.Ordinal);
    }


    private static async Task<SlackTestBot> StartAsync(StoreKind kind)
    {
        var slack = await SlackTestBot.StartAsync(kind, configure: b =>
        {
            b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>());
            b.Services.AddSingleton<IBlockKitTranslator, BlockKitTranslator>();
        });
        foreach (var person in Participants)
        {
            slack.Slack.Emails[person.Id] = person.Email;
        }

        slack.Bot.Clock.SetUtcNow(MondayMorning);
        Assert.Equal(HttpStatusCode.OK, (await slack.PostCommandAsync("link Phoenix")).StatusCode);
        await slack.IdleAsync();
        return slack;
    }

    /// <summary>Presses the prompt's "fill in" button; the bot opens the modal at once (views.open), which is returned.</summary>
    private static async Task<(JsonObject View, string ViewId)> OpenFormAsync(SlackTestBot slack, ChatPerson who, SlackCall prompt)
    {
        var channel = (string)prompt.Body["channel"]!;
        var ts = (string)prompt.Answer!["ts"]!;
        var button = FormButton(prompt)!;
        var trigger = $"trigger-{Guid.NewGuid():N}";
        var press = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
            ["user"] = new JsonObject { ["id"] = who.Id, ["team_id"] = SlackTestBot.Team, ["name"] = who.FirstName.ToLowerInvariant() },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = ts, ["channel_id"] = channel, ["is_ephemeral"] = false },
            ["channel"] = new JsonObject { ["id"] = channel },
            ["trigger_id"] = trigger,
            ["message"] = new JsonObject { ["ts"] = ts, ["text"] = prompt.Body["text"]?.DeepClone() },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = button["action_id"]!.DeepClone(),
                ["block_id"] = "actions",
                ["type"] = "button",
                ["action_ts"] = $"{slack.Now}.000100",
            }),
        };
        using var response = await slack.PostInteractionAsync(press);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var opened = Assert.Single(slack.Slack.CallsTo("views.open"), c => (string?)c.Body["trigger_id"] == trigger);
        return ((JsonObject)opened.Body["view"]!, (string)opened.Answer!["view"]!["id"]!);
    }

    /// <summary>Submits the modal with values for its inputs, in the shape Slack sends them (state.values[block][action]).</summary>
    private static async Task<HttpResponseMessage> SubmitFormAsync(SlackTestBot slack, ChatPerson who, (JsonObject View, string ViewId) form, Dictionary<string, string?> answers)
    {
        var values = new JsonObject();
        foreach (var block in form.View["blocks"]!.AsArray().OfType<JsonObject>().Where(b => (string?)b["type"] == "input"))
        {
            var blockId = (string)block["block_id"]!;
            var element = (JsonObject)block["element"]!;
            var actionId = (string)element["action_id"]!;
            var type = (string)element["type"]!;
            var value = answers.GetValueOrDefault(blockId);
            values[blockId] = new JsonObject
            {
                [actionId] = type == "plain_text_input"
                    ? new JsonObject { ["type"] = type, ["value"] = value }
                    : new JsonObject { ["type"] = type, ["selected_option"] = value is null ? null : new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = value }, ["value"] = value } },
            };
        }

        var submission = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
            ["user"] = new JsonObject { ["id"] = who.Id, ["team_id"] = SlackTestBot.Team, ["name"] = who.FirstName.ToLowerInvariant() },
            ["view"] = new JsonObject
            {
                ["id"] = form.ViewId,
                ["team_id"] = SlackTestBot.Team,
                ["type"] = "modal",
                ["callback_id"] = form.View["callback_id"]?.DeepClone(),
                ["private_metadata"] = form.View["private_metadata"]?.DeepClone(),
                ["hash"] = "156772938.1827394",
                ["state"] = new JsonObject { ["values"] = values },
            },
        };
        return await slack.PostInteractionAsync(submission);
    }

    private static Dictionary<string, string?> Answers(string? confidence, string? status, string? risks = null) => new()
    {
        ["q_confidence"] = confidence,
        ["q_status"] = status,
        ["q_highlights"] = "Release 1 passed security testing.",
        ["q_risks"] = risks,
    };

    /// <summary>Messages Slack accepted.</summary>
    private static List<SlackCall> Delivered(SlackTestBot slack) =>
        slack.Slack.CallsTo("chat.postMessage").Where(c => c.Status == HttpStatusCode.OK && (bool?)c.Answer?["ok"] == true).ToList();

    private static List<SlackCall> InDm(SlackTestBot slack, ChatPerson who) =>
        Delivered(slack).Where(c => (string?)c.Body["channel"] == "D" + who.Id).ToList();

    private static List<SlackCall> PromptsTo(SlackTestBot slack, ChatPerson who) =>
        InDm(slack, who).Where(c => FormButton(c) is not null && !IsReminder(c)).ToList();

    private static List<SlackCall> RemindersTo(SlackTestBot slack, ChatPerson who) =>
        InDm(slack, who).Where(c => FormButton(c) is not null && IsReminder(c)).ToList();

    private static bool IsReminder(SlackCall call) => ((string?)call.Body["text"])?.StartsWith("Reminder:", StringComparison.Ordinal) == true;

    /// <summary>The button that opens the check-in form, if the message has one.</summary>
    private static JsonObject? FormButton(SlackCall call) =>
        (call.Body["blocks"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(b => (b["elements"] as JsonArray ?? []).OfType<JsonObject>().Append(b["accessory"] as JsonObject).OfType<JsonObject>())
            .FirstOrDefault(e => (string?)e["type"] == "button" && ((string?)e["action_id"])?.StartsWith("gbform:", StringComparison.Ordinal) == true);
}
