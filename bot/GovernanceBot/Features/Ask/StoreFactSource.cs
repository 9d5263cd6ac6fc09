using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Ask;

/// <summary>
/// A question as the store sees it: its words and stems, and the programs of the asker's workspace it
/// is about (those it names, else the hinted one, else all). Read only; nothing else is loaded.
/// </summary>
/// <param name="ProgramNamed">The question names a program: it is about the store, not the knowledge base ("what is a risk?").</param>
public sealed record StoreQuestion(Guid WorkspaceId, IReadOnlyList<string> Words, IReadOnlySet<string> Stems, bool AsksWho, IReadOnlyList<GovernanceProgram> Scope, bool ProgramNamed)
{
    public bool Has(params string[] stems) => stems.Any(Stems.Contains);

    /// <summary>Words that make a question about this workspace's own records even without a program's name.</summary>
    private static readonly string[] OwnWords = ["our", "we", "us", "top", "open", "current", "biggest", "main", "highest", "latest", "outstanding"];

    /// <summary>About this workspace's records: a program named, or "our", "top", "open" … ("what is a risk?" is for the knowledge base).</summary>
    public bool AboutOwnRecords => ProgramNamed || Words.Any(w => OwnWords.Contains(w));
}

/// <summary>
/// A register that answers questions from the store (the RAID log, the decision log …), asked by
/// <see cref="StoreFacts"/> before its own KPI, benefit and approval facts. Answers only when the
/// question is clearly about it, and cites every fact it uses.
/// </summary>
public interface IStoreFactSource
{
    Task<StoreAnswer?> AnswerAsync(StoreQuestion question, CancellationToken cancellationToken);
}

/// <summary>Numbered facts for an answer, each a store record cited as <c>[n]</c>.</summary>
public sealed class StoreFactList(DateTimeOffset now)
{
    private readonly List<Grounding> facts = [];

    public IReadOnlyList<Grounding> Facts => facts;

    /// <summary>Adds a fact and returns its number.</summary>
    public int Add(string text, GovernanceProgram program, string kind, string name)
    {
        var asOf = now.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        facts.Add(new Grounding(facts.Count + 1, text, new CardSource($"{program.Name} {kind}: {name}", $"{program.Name} governance record in this workspace, as of {asOf}", string.Empty), FromStore: true));
        return facts.Count;
    }
}
