using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Teams;
using GovernanceBot.Conversation;
using Polly;

namespace GovernanceBot.Tests.Channels.Teams;

public sealed class ActivityTranslatorTests
{
    private static Activity Parse(JsonObject json) => JsonSerializer.Deserialize(json.ToJsonString(), TeamsJson.Default.Activity)!;

    private static JsonObject Message(string text) => new()
    {
        ["type"] = "message",
        ["id"] = "1",
        ["channelId"] = "msteams",
        ["serviceUrl"] = "https://smba.trafficmanager.net/emea/",
        ["from"] = new JsonObject { ["id"] = "29:alex", ["name"] = "Alex" },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "GovernanceBot" },
        ["conversation"] = new JsonObject { ["id"] = "19:chan@thread.tacv2", ["conversationType"] = "channel", ["tenantId"] = "tenant-9" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-from-channel-data" } },
        ["text"] = text,
    };

    private static JsonObject Mention(string id, string name) => new()
    {
        ["type"] = "mention",
        ["mentioned"] = new JsonObject { ["id"] = id, ["name"] = name },
        ["text"] = $"<at>{name}</at>",
    };

    [Fact]
    public void BotMention_IsStripped_OtherPeoplesMentionsStay()
    {
        var json = Message("<at>GovBot</at>\u00A0status <at>Megan</at>  Phoenix ");
        json["entities"] = new JsonArray(Mention("28:bot", "GovBot"), Mention("29:megan", "Megan"));

        var text = ActivityTranslator.StripBotMention(Parse(json));

        Assert.Equal("status <at>Megan</at> Phoenix", text);
    }

    [Fact]
    public void OtherPeoplesMentions_BecomeOneWordEach_AndTheirIdsAreKeptForTheChannel()
    {
        var json = Message("<at>GovBot</at> approval request \"Go\" approvers <at>Megan Bowen</at> <at>Lee</at> <at>Diego</at>");
        json["entities"] = new JsonArray(Mention("28:bot", "GovBot"), Mention("29:megan", "Megan Bowen"), Mention("29:lee", "Lee"));
        var activity = Parse(json);

        var mentions = ActivityTranslator.OtherMentions(activity);
        var text = ActivityTranslator.WithoutMentionMarkup(ActivityTranslator.StripBotMention(activity), mentions);

        Assert.Equal([("29:megan", "Megan Bowen"), ("29:lee", "Lee")], mentions.Select(m => (m.UserId, m.Name)));
        // A tag without an entity (Diego) is a name all the same; no markup reaches the features.
        Assert.Equal("approval request \"Go\" approvers @\"Megan Bowen\" @\"Lee\" @\"Diego\"", text);
        Assert.Equal(["approval", "request", "Go", "approvers", "@Megan Bowen", "@Lee", "@Diego"], CommandText.Tokenize(text));
    }

    [Fact]
    public void BotMention_WithoutAnEntity_IsStrippedByTheBotsName()
    {
        Assert.Equal("help", ActivityTranslator.StripBotMention(Parse(Message("<at>GovernanceBot</at> help"))));
    }

    [Fact]
    public void Conversation_IsAChannel_InTheConversationsTenant_NotTheOneChannelDataNames()
    {
        var conversation = ActivityTranslator.ToConversationRef(Parse(Message("hi")));

        Assert.Equal(new ConversationRef(ChannelNames.Teams, "tenant-9", "19:chan@thread.tacv2", ConversationKind.Channel,
            "https://smba.trafficmanager.net/emea/", "28:bot"), conversation);
    }

    [Fact]
    public void SubmitWithAVerb_IsACardAction_WithTheInputsAsData()
    {
        var json = Message(string.Empty);
        json["replyToId"] = "card-7";
        json["value"] = new JsonObject { ["verb"] = "approval.vote", ["requestId"] = "r1", ["comment"] = "ok \"fine\"" };

        var action = ActivityTranslator.SubmitAction(Parse(json))!;

        Assert.Equal("approval.vote", action.Verb);
        Assert.Equal("card-7", action.MessageId);
        Assert.Equal("ok \"fine\"", (string?)action.Data["comment"]);
        Assert.Null(action.Data["verb"]);
    }

    [Fact]
    public void SubmitWithoutAVerb_IsNotACardAction()
    {
        var json = Message(string.Empty);
        json["value"] = new JsonObject { ["something"] = 1 };

        Assert.Null(ActivityTranslator.SubmitAction(Parse(json)));
    }

    [Fact]
    public void ExecuteInvoke_GivesVerbDataAndWhetherItIsARefresh()
    {
        var json = Message(string.Empty);
        json["type"] = "invoke";
        json["name"] = "adaptiveCard/action";
        json["replyToId"] = "card-1";
        json["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "approval.view", ["data"] = new JsonObject { ["id"] = "a" } },
            ["trigger"] = "automatic",
        };

        var (action, automatic) = ActivityTranslator.ExecuteAction(Parse(json));

        Assert.Equal("approval.view", action!.Verb);
        Assert.Equal("a", (string?)action.Data["id"]);
        Assert.Equal("card-1", action.MessageId);
        Assert.True(automatic);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, SendFailureKind.Transient)]
    [InlineData(HttpStatusCode.PreconditionFailed, SendFailureKind.Transient)]
    [InlineData(HttpStatusCode.BadGateway, SendFailureKind.Transient)]
    [InlineData(HttpStatusCode.Forbidden, SendFailureKind.Permanent)]
    [InlineData(HttpStatusCode.NotFound, SendFailureKind.Permanent)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, SendFailureKind.Permanent)]
    public void ConnectorFailures_AreClassifiedForTheOutbox(HttpStatusCode status, SendFailureKind expected)
    {
        var result = new ConnectorResponse<ResourceResponse>(null, status, "Code", "message").ToSendResult(r => r?.Id);

        Assert.Equal(expected, result.Failure);
        Assert.Equal("Code: message", result.Reason);
    }

    [Fact]
    public void NoAnswerAtAll_IsTransient()
    {
        var result = new ConnectorResponse<ResourceResponse>(null, null, null, "the connector did not answer").ToSendResult(r => r?.Id);

        Assert.Equal(SendFailureKind.Transient, result.Failure);
    }

    [Theory]
    [InlineData(429, null, true)]
    [InlineData(429, 5, true)]
    [InlineData(429, 600, false)]
    [InlineData(412, null, true)]
    [InlineData(500, null, true)]
    [InlineData(503, null, true)]
    [InlineData(501, null, false)]
    [InlineData(403, null, false)]
    [InlineData(400, null, false)]
    public void RetryPolicy_RetriesThrottlingAndServerErrors_ButNotALongRetryAfter(int status, int? retryAfter, bool retried)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        if (retryAfter is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        Assert.Equal(retried, TeamsSetup.IsTransient(Outcome.FromResult(response), TimeSpan.FromSeconds(30)));
    }
}
