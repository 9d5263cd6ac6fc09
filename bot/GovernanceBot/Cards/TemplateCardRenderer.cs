using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GovernanceBot.Cards.Templating;

namespace GovernanceBot.Cards;

/// <summary>Renders the templates in <c>adaptivecards/</c> next to the executable; each is parsed once.</summary>
public sealed class TemplateCardRenderer(string templateDirectory) : ICardRenderer
{
    private readonly ConcurrentDictionary<string, Lazy<CardTemplate>> templates = new(StringComparer.Ordinal);

    public TemplateCardRenderer()
        : this(DefaultDirectory)
    {
    }

    /// <summary>Where the build copies <c>adaptivecards/**</c>.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "adaptivecards");

    public string TemplateDirectory => templateDirectory;

    /// <summary>The template names available, e.g. <c>program.status</c>.</summary>
    public IReadOnlyList<string> TemplateNames =>
        Directory.Exists(templateDirectory)
            ? Directory.EnumerateFiles(templateDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList()
            : [];

    public JsonObject Render(string templateName, JsonObject data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var card = Template(templateName).Expand(data);
        return card as JsonObject ?? throw new CardTemplateException($"Template {templateName} did not expand to a JSON object.");
    }

    /// <exception cref="KeyNotFoundException">No template of that name exists.</exception>
    public CardTemplate Template(string templateName)
    {
        ArgumentNullException.ThrowIfNull(templateName);
        var lazy = templates.GetOrAdd(templateName, name => new Lazy<CardTemplate>(() => Load(name)));
        try
        {
            return lazy.Value;
        }
        catch (KeyNotFoundException)
        {
            // Do not remember a miss: a template may be deployed later, and the cache must not grow with junk names.
            templates.TryRemove(templateName, out _);
            throw;
        }
    }

    private CardTemplate Load(string name)
    {
        // Names are file names, never paths: "../x" or "a/b" are simply unknown.
        var valid = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') && !name.Contains("..", StringComparison.Ordinal);
        var path = Path.Combine(templateDirectory, name + ".json");
        if (!valid || !File.Exists(path))
        {
            throw new KeyNotFoundException($"No card template named \"{name}\" in {templateDirectory}.");
        }

        var json = JsonNode.Parse(File.ReadAllText(path)) ?? throw new CardTemplateException($"{path} is empty.");
        return CardTemplate.Parse(json);
    }
}
