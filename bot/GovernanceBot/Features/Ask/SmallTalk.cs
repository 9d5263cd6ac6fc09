using System.Collections.Frozen;

namespace GovernanceBot.Features.Ask;

/// <summary>
/// Messages that are not questions at all — "hi", "good morning", "thanks!" — and deserve a friendly
/// word and a pointer to what the bot can do, not "I can't answer that".
/// </summary>
internal static class SmallTalk
{
    // A message is small talk only when every word is one of these: "hi, what is a phase gate?" is a question.
    private static readonly FrozenSet<string> Hello = Set("hi hello hey heya hiya howdy yo greetings morning afternoon evening gm hallo bonjour hola ciao salut");
    private static readonly FrozenSet<string> Thanks = Set("thanks thank thx ty cheers ta merci danke gracias");
    private static readonly FrozenSet<string> Filler = Set("good there all everyone everybody team folks bot governancebot you so very much again a lot great ok okay and");

    public static SmallTalkKind Classify(string text)
    {
        var words = TextAnalyzer.Words(text);
        if (words.Count == 0 || words.Count > 6 || !words.All(w => Hello.Contains(w) || Thanks.Contains(w) || Filler.Contains(w)))
        {
            return SmallTalkKind.None;
        }

        return words.Any(Thanks.Contains) ? SmallTalkKind.Thanks
            : words.Any(Hello.Contains) ? SmallTalkKind.Greeting
            : SmallTalkKind.None;
    }

    /// <summary>The reply: greets by first name when known, and says what to try next.</summary>
    public static string Reply(SmallTalkKind kind, string? askerName)
    {
        // The name is the person's own text: shown as typed, never as Markdown.
        var name = askerName?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { } first ? Cards.UserText.Escape(first) : null;
        var offer = "Ask me about program governance — for example **what is a phase gate?** or **how does a program manager differ from a product manager?** — " +
            "or about your programs, such as **who owns the cost-savings benefit?** Type **help** to see everything I can do.";
        return kind == SmallTalkKind.Thanks
            ? $"You're welcome{(name is null ? "" : $", {name}")}! {offer}"
            : $"Hi{(name is null ? "" : $" {name}")}! I'm GovernanceBot: I run your program's check-ins, KPI and benefit status and approvals, and answer questions. {offer}";
    }

    private static FrozenSet<string> Set(string words) => words.Split(' ').ToFrozenSet(StringComparer.Ordinal);
}

internal enum SmallTalkKind { None, Greeting, Thanks }
