using System.Text;
using System.Text.Json;

namespace GovernanceBot.Features.Ask;

/// <summary>One Markdown file of <c>bot/knowledge/</c>: a topic with its passages (its <c>## </c> sections).</summary>
public sealed record KnowledgeTopic(string Id, string Title, IReadOnlyList<string> Tags, IReadOnlyList<string> Sources, IReadOnlyList<KnowledgePassage> Passages)
{
    /// <summary>
    /// Front matter <c>needs: [a, b]</c>: words or phrases (synonyms count) of which a question must
    /// name one before this topic may rank on equal terms. A broad comparison topic mentions nearly
    /// everything; without this it outranks the concept a question actually asks about.
    /// </summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>
    /// Front matter <c>narrower: [topic-id, …]</c>: topics that each treat one aspect of this broad
    /// topic in depth. A broad topic's overview names every aspect, so without this it outranks the
    /// aspect's own topic for "how do their priorities differ?".
    /// </summary>
    public IReadOnlyList<string> Narrower { get; init; } = [];
}

/// <summary>One line of <c>synonyms.txt</c>.</summary>
/// <param name="Weak">
/// <c>weak:</c> lines: words that help ranking but are everyday English ("difference", "holiday",
/// "design"), so naming them does not make a question one about program governance.
/// </param>
public sealed record SynonymGroup(IReadOnlyList<string> Members, bool Weak = false);

/// <summary>One section of a topic: the unit the retrieval ranks and the answer cites.</summary>
public sealed record KnowledgePassage(string TopicId, string Heading, string Text)
{
    public string Id => $"{TopicId}#{Heading}";
}

/// <summary>
/// The Q&amp;A knowledge base as loaded from disk: topics, synonym groups and the structured role
/// comparison. Loaded once at start-up; immutable afterwards.
/// </summary>
public sealed class KnowledgeBase
{
    public const string SynonymsFile = "synonyms.txt";
    public const string RolesComparisonFile = "roles-comparison.json";

    private readonly Dictionary<string, KnowledgeTopic> byId;

    public KnowledgeBase(IReadOnlyList<KnowledgeTopic> topics, IReadOnlyList<SynonymGroup> synonymGroups, RolesComparisonTable? rolesComparison)
    {
        Topics = topics;
        SynonymGroups = synonymGroups;
        RolesComparison = rolesComparison;
        byId = topics.ToDictionary(t => t.Id, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<KnowledgeTopic> Topics { get; }

    public IReadOnlyList<SynonymGroup> SynonymGroups { get; }

    public RolesComparisonTable? RolesComparison { get; }

    public KnowledgeTopic? Topic(string id) => byId.GetValueOrDefault(id);

    /// <summary>The folder the build copies <c>bot/knowledge/</c> to.</summary>
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "knowledge");

    public static KnowledgeBase Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The knowledge base folder '{folder}' does not exist.");
        }

        var topics = Directory.EnumerateFiles(folder, "*.md")
            .Where(f => !Path.GetFileName(f).Equals("README.md", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f => ParseTopic(Path.GetFileNameWithoutExtension(f), File.ReadAllText(f)))
            .ToList();
        var synonymsPath = Path.Combine(folder, SynonymsFile);
        var synonyms = File.Exists(synonymsPath) ? ParseSynonyms(File.ReadAllLines(synonymsPath)) : [];
        var rolesPath = Path.Combine(folder, RolesComparisonFile);
        var roles = File.Exists(rolesPath)
            ? JsonSerializer.Deserialize(File.ReadAllText(rolesPath), AskJson.Default.RolesComparisonTable)
            : null;
        return new KnowledgeBase(topics, synonyms, roles);
    }

    public static IReadOnlyList<SynonymGroup> ParseSynonyms(IEnumerable<string> lines) => lines
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.StartsWith(WeakPrefix, StringComparison.Ordinal)
            ? new SynonymGroup(Members(l[WeakPrefix.Length..]), Weak: true)
            : new SynonymGroup(Members(l)))
        .Where(g => g.Members.Count > 1)
        .ToList();

    private const string WeakPrefix = "weak:";

    private static string[] Members(string line) => line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Front matter (<c>title</c>, <c>tags: [a, b]</c>, <c>sources: ["…"]</c>) then <c>## </c> sections.</summary>
    public static KnowledgeTopic ParseTopic(string id, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var title = id;
        IReadOnlyList<string> tags = [];
        IReadOnlyList<string> needs = [];
        IReadOnlyList<string> narrower = [];
        IReadOnlyList<string> sources = [];
        var start = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            var end = Array.FindIndex(lines, 1, l => l.Trim() == "---");
            if (end < 0)
            {
                throw new FormatException($"{id}.md: the front matter is not closed with '---'.");
            }

            foreach (var line in lines[1..end])
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    continue;
                }

                var key = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                switch (key)
                {
                    case "title":
                        title = Unquote(value);
                        break;
                    case "tags":
                        tags = List(value);
                        break;
                    case "needs":
                        needs = List(value);
                        break;
                    case "narrower":
                        narrower = List(value);
                        break;
                    case "sources":
                        sources = JsonSerializer.Deserialize(value, AskJson.Default.StringArray) ?? [];
                        break;
                    default:
                        break;
                }
            }

            start = end + 1;
        }

        var passages = new List<KnowledgePassage>();
        string? heading = null;
        var body = new StringBuilder();
        foreach (var line in lines[start..])
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                Flush();
                heading = line[3..].Trim();
            }
            else if (heading is not null && !line.StartsWith('#'))
            {
                body.Append(line.Trim()).Append(' ');
            }
        }

        Flush();
        return new KnowledgeTopic(id, title, tags, sources, passages) { Needs = needs, Narrower = narrower };

        void Flush()
        {
            var text = body.ToString().Trim();
            if (heading is not null && text.Length > 0)
            {
                passages.Add(new KnowledgePassage(id, heading, text));
            }

            body.Clear();
        }
    }

    private static List<string> List(string value) =>
        value.Trim('[', ']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Unquote).ToList();

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}

/// <summary>
/// The program-vs-product comparison table, kept in <c>bot/knowledge/roles-comparison.json</c> so
/// the wording lives with the rest of the knowledge base. Each row names the topic it summarises.
/// </summary>
public sealed record RolesComparisonTable(
    string Title,
    string Intro,
    RoleSummary LeftRole,
    RoleSummary RightRole,
    IReadOnlyList<RolesComparisonTableRow> Rows,
    string Common,
    IReadOnlyList<string> Topics);

public sealed record RolesComparisonTableRow(string Aspect, string Left, string Right, string Topic);
