using System.Text.RegularExpressions;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;

namespace GovernanceBot.Features.Ask;

public enum AnswerKind
{
    /// <summary>From the knowledge base.</summary>
    Knowledge,
    /// <summary>From the asker's workspace (owners, approvers, status).</summary>
    Store,
    /// <summary>The program-vs-product comparison table.</summary>
    RolesComparison,
    /// <summary>Outside what the bot knows: an honest "I can't answer that".</summary>
    Declined,
    /// <summary>The question tried to change the bot's instructions or reach other data.</summary>
    Refused,
    /// <summary>Not a question: "hi", "thanks". A friendly word and what to try.</summary>
    SmallTalk,
}

/// <summary>One answer, before it becomes a reply.</summary>
public sealed record AskAnswer(
    AnswerKind Kind,
    string Question,
    string Text,
    IReadOnlyList<Grounding> Sources,
    bool GroundedByAi,
    string? TopicId = null,
    IReadOnlyList<string>? Programs = null);

/// <summary>A question from someone in a workspace.</summary>
/// <param name="Program">A program the asker named (e.g. CLI <c>--program</c>); narrows store answers.</param>
/// <param name="UseModel">False for the fast offline answer (e.g. to post at once while a model answer is written).</param>
/// <param name="ReadStore">False when the asker may not read the store (a guest): the knowledge base only.</param>
/// <param name="AskerName">The asker's display name, to greet them by.</param>
internal sealed record AskRequest(Guid WorkspaceId, string Question, string? Program = null, bool UseModel = true, bool ReadStore = true, string? AskerName = null);

/// <summary>
/// Answers a question: what channels and the CLI call. Offline it ranks the knowledge base and reads
/// the store (a few milliseconds); with a model it then has the answer written from those sources
/// and falls back to the offline answer when the model is slow or failing.
/// </summary>
internal interface IAnswerService
{
    Task<AskAnswer> AnswerAsync(AskRequest request, CancellationToken cancellationToken);
}

internal sealed partial class AnswerService(
    KnowledgeAnswers knowledge,
    StoreFacts store,
    IAnswerWriter writer,
    ILogger<AnswerService> logger) : IAnswerService
{
    /// <summary>Knowledge passages added to store facts when a model writes the answer.</summary>
    private const int ExtraPassagesForModel = 2;

    public async Task<AskAnswer> AnswerAsync(AskRequest request, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var answer = await AnswerCoreAsync(request, cancellationToken);
        Log.AskAnswered(logger, answer.Kind.ToString(), answer.TopicId, answer.GroundedByAi, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        return answer;
    }

    private async Task<AskAnswer> AnswerCoreAsync(AskRequest request, CancellationToken cancellationToken)
    {
        var question = request.Question.Trim();
        if (SmallTalk.Classify(question) is not SmallTalkKind.None and var talk)
        {
            return new AskAnswer(AnswerKind.SmallTalk, question, SmallTalk.Reply(talk, request.AskerName), [], false);
        }

        if (IsInjection(question))
        {
            return Refuse(question);
        }

        // Retrieval reads English. A question in another language is searched in English when a model
        // can translate it, and answered in its own language from the passages that English finds.
        var language = QuestionLanguage.Detect(question);
        var useModel = request.UseModel && writer.IsAvailable;
        var searchText = question;
        var translated = false;
        if (language is not null && useModel && await writer.TranslateAsync(question, cancellationToken) is { } english)
        {
            if (IsInjection(english))
            {
                return Refuse(question);
            }

            (searchText, translated) = (english, true);
        }

        var facts = request.ReadStore ? await store.AnswerAsync(request.WorkspaceId, searchText, request.Program, cancellationToken) : null;
        var retrieval = knowledge.Index.Search(searchText);
        var fromKnowledge = knowledge.Compose(retrieval);

        AskAnswer offline;
        IReadOnlyList<Grounding> grounding;
        if (facts is not null)
        {
            offline = new AskAnswer(AnswerKind.Store, question, facts.Answer, facts.Facts, false, fromKnowledge.Topic?.Id, facts.Programs);
            grounding = [.. facts.Facts, .. fromKnowledge.Sources.Take(ExtraPassagesForModel)
                .Select((s, i) => s with { Number = facts.Facts.Count + i + 1 })];
        }
        else if (fromKnowledge.Declined)
        {
            return new AskAnswer(AnswerKind.Declined, question, language is null ? DeclineText : ForeignDeclineText, [], false);
        }
        else if (fromKnowledge.IsRolesComparison && knowledge.Index.Knowledge.RolesComparison is not null && language is null)
        {
            // The vetted comparison table beats any paraphrase of it, model or not (in English; a
            // question in another language gets a written answer from the same passages instead).
            return new AskAnswer(AnswerKind.RolesComparison, question, fromKnowledge.Answer, fromKnowledge.Sources, false, fromKnowledge.Topic!.Id);
        }
        else
        {
            offline = new AskAnswer(AnswerKind.Knowledge, question, fromKnowledge.Answer, fromKnowledge.Sources, false, fromKnowledge.Topic!.Id);
            grounding = fromKnowledge.Sources;
        }

        if (language is not null)
        {
            offline = offline with { Text = $"{EnglishOnlyNote} {offline.Text}" };
        }

        if (!useModel || (language is not null && !translated))
        {
            return offline;
        }

        var written = await writer.WriteAsync(question, grounding, language, cancellationToken);
        return written is null ? offline : offline with { Text = written.Text, Sources = grounding, GroundedByAi = true };
    }

    private AskAnswer Refuse(string question)
    {
        Log.AskRefused(logger);
        return new AskAnswer(AnswerKind.Refused, question,
            "I can't do that. I answer questions about program governance from my knowledge base and about this workspace's own programs, and my instructions stay private.",
            [], false);
    }

    /// <summary>Before an offline answer to a question in another language.</summary>
    public const string EnglishOnlyNote = "_Offline answers are in English._";

    public const string ForeignDeclineText =
        "I couldn't match your question: offline, I read and answer questions in English only. Please ask again in English, " +
        "for example **what is a phase gate?**, or type **help** for my commands.";

    public const string DeclineText =
        "I can't answer that: it is outside what I know. I answer questions about program governance (program vs product management, " +
        "phase gates, benefits, KPIs and RAG status, stakeholders, governance boards…) and about this workspace's programs " +
        "(\"who owns the cost-savings benefit?\", \"how is on-time delivery doing?\"). Type **help** for my commands.";

    /// <summary>Attempts to override the instructions, extract them, or reach beyond the asker's workspace.</summary>
    public static bool IsInjection(string question) => Injection().IsMatch(question);

    [GeneratedRegex(
        @"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules|prompt|guidelines|constraints)\b" +
        @"|\bsystem\s*(prompt|message|instructions?)\b" +
        @"|\b(reveal|show|print|repeat|output|display|dump|leak|tell me)\b.{0,30}\b(your|the|hidden|initial|original)\s+(instructions?|prompt|rules|configuration)\b" +
        @"|\b(other|another|all|every|different)\s+(workspaces?|tenants?|organi[sz]ations?|customers?'?\s+data)\b" +
        @"|\b(jailbreak|developer mode|DAN mode)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Injection();
}
