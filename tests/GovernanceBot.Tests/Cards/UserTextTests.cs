using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Conversation;

namespace GovernanceBot.Tests.Cards;

/// <summary>
/// Issue 14, item 4: text people typed stays text in the bot's cards. Every card template's sample,
/// with every field marked <see cref="UserTextAttribute"/> replaced by a planted link, raw address and
/// formatting, is built into card data the way handlers build it, then rendered for Teams and Slack.
/// </summary>
public sealed class UserTextTests
{
    private const string Planted = "[Click to approve](https://evil.example/x) **urgent** _now_ ~gone~ `code` https://raw.example/y www.evil.example";

    private static readonly TemplateCardRenderer Renderer = new(NodeConformance.TemplatesDirectory);

    /// <summary>Each template with the record type its data is built from (AnswerCard for "answer", ApprovalRequestCard for "approval.request" …).</summary>
    public static TheoryData<string> Templates()
    {
        var data = new TheoryData<string>();
        foreach (var template in Renderer.TemplateNames.Where(t => CardType(t) is not null))
        {
            data.Add(template);
        }

        return data;
    }

    [Fact]
    public void EveryTemplateWithUserText_HasItsTypedRecordFound()
    {
        var missing = Renderer.TemplateNames.Where(t => CardType(t) is null).ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void APlantedLinkInEveryUserTextField_StaysTextOnTeamsAndSlack(string template)
    {
        var (type, typeInfo) = CardType(template)!.Value;
        var sample = NodeConformance.ReadSample(Path.Combine(NodeConformance.SamplesDirectory, template + ".data.json"));
        var planted = Plant(sample, type, typeInfo.Options);
        var reply = BuildCard(template, JsonSerializer.Deserialize(sample.ToJsonString(), typeInfo)!, type, typeInfo);

        var teams = Renderer.Render(template, reply.Data);
        var slack = new BlockKitTranslator().Translate(teams, "summary");

        var teamsText = string.Join("\n", MarkdownTexts(teams));
        var slackNodes = new JsonArray([slack.Blocks.DeepClone(), .. slack.Modals.Values.Select(m => m.DeepClone())]);
        var slackMrkdwn = string.Join("\n", SlackTexts(slackNodes, mrkdwnOnly: true));
        var slackAll = string.Join("\n", SlackTexts(slackNodes, mrkdwnOnly: false));
        Assert.DoesNotContain("https://evil", teamsText + slackAll, StringComparison.Ordinal);
        Assert.DoesNotContain("https://raw", teamsText + slackAll, StringComparison.Ordinal);
        if (planted == 0)
        {
            // Nothing in this card comes from what people typed (help, errors).
            return;
        }

        Assert.DoesNotContain("[Click to approve](", teamsText, StringComparison.Ordinal);
        Assert.DoesNotContain("**urgent**", teamsText, StringComparison.Ordinal);
        Assert.Contains(@"\[Click to approve\]\(https:" + UserText.Joiner + @"//evil.example/x\) \*\*urgent\*\* \_now\_ \~gone\~ \`code\` https:" + UserText.Joiner + "//raw.example/y www" + UserText.Joiner + ".evil.example",
            teamsText, StringComparison.Ordinal);
        Assert.Contains("[Click to approve](https:" + UserText.Joiner + "//evil.example/x)", slackAll, StringComparison.Ordinal);
        Assert.DoesNotContain("|Click to approve>", slackAll, StringComparison.Ordinal);
        Assert.DoesNotContain("*urgent*", slackMrkdwn, StringComparison.Ordinal);
        Assert.DoesNotContain("_now_", slackMrkdwn, StringComparison.Ordinal);
        Assert.DoesNotContain("`code`", slackMrkdwn, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTemplatesOwnMarkdownAndTheBotsLinks_StayFormatted()
    {
        var (type, typeInfo) = CardType("roles.comparison")!.Value;
        var sample = File.ReadAllText(Path.Combine(NodeConformance.SamplesDirectory, "roles.comparison.data.json"));
        var card = Renderer.Render("roles.comparison", BuildCard("roles.comparison", JsonSerializer.Deserialize(sample, typeInfo)!, type, typeInfo).Data);
        var slack = new BlockKitTranslator().Translate(card, "summary").Blocks;

        Assert.Contains("](https://", string.Join("\n", MarkdownTexts(card)), StringComparison.Ordinal);
        Assert.Contains("<https://", string.Join("\n", SlackTexts(slack, mrkdwnOnly: true)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- not a list\n1. nor this", @"\- not a list" + "\n" + @"1\. nor this")]
    [InlineData(@"back\slash # hash", @"back\\slash \# hash")]
    [InlineData("plain words, numbers 1.5 and dashes a-b", "plain words, numbers 1.5 and dashes a-b")]
    public void Escape_CoversListsAndPunctuation_AndLeavesOrdinaryTextAlone(string text, string expected) =>
        Assert.Equal(expected, UserText.Escape(text));

    [Fact]
    public void SlackShowsEscapedTextLiterally_WithItsFormattingCharactersFenced()
    {
        var mrkdwn = Mrkdwn.FromCardMarkdown("**Bot bold** and " + UserText.Escape("*user* <!channel> & [x](https://e.example)"));

        Assert.Equal($"*Bot bold* and {UserText.Joiner}*{UserText.Joiner}user{UserText.Joiner}*{UserText.Joiner} &lt;!channel&gt; &amp; [x](https:{UserText.Joiner}//e.example)", mrkdwn);
        Assert.Equal("*user* & [x]", Mrkdwn.Plain(UserText.Escape("*user* & [x]")));
    }

    /// <summary>Replaces every marked string in the sample with <see cref="Planted"/>; returns how many.</summary>
    private static int Plant(JsonNode? node, Type type, JsonSerializerOptions options)
    {
        var count = 0;
        switch (node)
        {
            case JsonObject obj when ElementType(type) is null:
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? options.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name;
                    if (!obj.TryGetPropertyValue(name, out var child) || child is null)
                    {
                        continue;
                    }

                    if (property.IsDefined(typeof(UserTextAttribute)))
                    {
                        obj[name] = child is JsonArray list ? new JsonArray([.. list.Select(_ => (JsonNode?)Planted)]) : Planted;
                        count++;
                    }
                    else
                    {
                        count += Plant(child, property.PropertyType, options);
                    }
                }

                break;
            case JsonArray array when ElementType(type) is { } element:
                count += array.Sum(item => Plant(item, element, options));
                break;
        }

        return count;
    }

    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary>Builds the reply through <see cref="Reply.Card{T}"/>, as every handler does.</summary>
    private static CardReply BuildCard(string template, object data, Type type, JsonTypeInfo typeInfo) =>
        (CardReply)typeof(Reply).GetMethod(nameof(Reply.Card))!.MakeGenericMethod(type).Invoke(null, [template, data, typeInfo, "summary"])!;

    /// <summary>The card record of a template ("checkin.summary" → CheckInSummaryCard) and its source-generated JSON metadata.</summary>
    private static (Type Type, JsonTypeInfo TypeInfo)? CardType(string template)
    {
        var name = string.Concat(template.Split('.').Select(p => char.ToUpperInvariant(p[0]) + p[1..])) + "Card";
        var assembly = typeof(Reply).Assembly;
        foreach (var context in assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(JsonSerializerContext)) && !t.IsAbstract))
        {
            var instance = (JsonSerializerContext)context.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            foreach (var attribute in context.GetCustomAttributesData().Where(a => a.AttributeType == typeof(JsonSerializableAttribute)))
            {
                var type = (Type)attribute.ConstructorArguments[0].Value!;
                if (string.Equals(type.Name, name, StringComparison.OrdinalIgnoreCase) && instance.GetTypeInfo(type) is { } info)
                {
                    return (type, info);
                }
            }
        }

        return null;
    }

    /// <summary>Every string the Teams client renders as Markdown: TextBlock text and FactSet titles and values.</summary>
    private static IEnumerable<string> MarkdownTexts(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if ((string?)obj["type"] == "TextBlock" && obj["text"] is JsonValue text)
                {
                    yield return (string)text!;
                }

                if (obj["facts"] is JsonArray facts)
                {
                    foreach (var fact in facts.OfType<JsonObject>())
                    {
                        yield return $"{(string?)fact["title"]}: {(string?)fact["value"]}";
                    }
                }

                foreach (var child in obj.SelectMany(p => MarkdownTexts(p.Value)))
                {
                    yield return child;
                }

                break;
            case JsonArray array:
                foreach (var child in array.SelectMany(MarkdownTexts))
                {
                    yield return child;
                }

                break;
        }
    }

    /// <summary>The text of every Slack text object (or only of the mrkdwn ones, where formatting happens).</summary>
    private static IEnumerable<string> SlackTexts(JsonNode? node, bool mrkdwnOnly)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["text"] is JsonValue text && (string?)obj["type"] is "mrkdwn" or "plain_text" && (!mrkdwnOnly || (string?)obj["type"] == "mrkdwn"))
                {
                    yield return (string)text!;
                }

                foreach (var child in obj.SelectMany(p => SlackTexts(p.Value, mrkdwnOnly)))
                {
                    yield return child;
                }

                break;
            case JsonArray array:
                foreach (var child in array.SelectMany(item => SlackTexts(item, mrkdwnOnly)))
                {
                    yield return child;
                }

                break;
        }
    }
}
