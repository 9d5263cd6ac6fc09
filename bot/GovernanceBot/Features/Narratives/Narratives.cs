using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Ask;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GovernanceBot.Features.Narratives;

/// <summary>Something a narrative may draw on, and cite.</summary>
/// <param name="Id">What a line cites: <c>A3</c> (an answer), <c>R-3</c> (a RAID item), <c>K:on-time-delivery</c> (a KPI).</param>
/// <param name="Kind"><see cref="Answer"/>, <see cref="Raid"/> or <see cref="Kpi"/>: only answers are summarised offline; the rest is context for the model.</param>
/// <param name="Label">How a reader knows the source under a line: a name, "answer 3" in an anonymous round, "R-3", "KPI On-time delivery".</param>
/// <param name="Author">Who wrote it, shown with a quote of it; "" in anonymous rounds and for records.</param>
public sealed record NarrativeSource(string Id, string Kind, string Text, string Label, string Author = "")
{
    public const string Answer = "answer";
    public const string Raid = "raid";
    public const string Kpi = "kpi";
}

/// <param name="Subject">What the narrative is about, for the model: "Phoenix weekly check-in, week of 30 Nov 2026".</param>
public sealed record NarrativeRequest(string Subject, IReadOnlyList<NarrativeSource> Sources);

/// <summary>One line of a narrative with the ids of the sources it cites, and those sources as a reader knows them.</summary>
public sealed record NarrativeLine([property: UserText] string Text, IReadOnlyList<string> Sources, [property: UserText] string SourcesText);

/// <summary>A short written summary: <c>model</c> (each line cites its sources) or <c>extractive</c> (themes counted and quoted).</summary>
/// <param name="Note">Says which it is, and why the extractive one stands in when a model is configured.</param>
public sealed record Narrative(string Kind, string Note, IReadOnlyList<NarrativeLine> Lines)
{
    public const string Model = "model";
    public const string Extractive = "extractive";
}

/// <summary>
/// Writes the short narrative of a set of sources (a check-in round's answers, a steering pack's
/// registers). With a model configured it writes from the sources only and every kept line cites
/// them; otherwise, or when the model fails or cites nothing it was given, the extractive summary.
/// </summary>
public interface INarrativeWriter
{
    /// <summary>True when a model writes: callers may then add records (RAID items, KPIs) as context; offline only answers count.</summary>
    bool UsesModel { get; }

    Task<Narrative> WriteAsync(NarrativeRequest request, CancellationToken cancellationToken);
}

internal sealed class NarrativeWriter(IModelCompletion model, ILogger<NarrativeWriter> logger) : INarrativeWriter
{
    public bool UsesModel => model.IsAvailable;

    public async Task<Narrative> WriteAsync(NarrativeRequest request, CancellationToken cancellationToken)
    {
        var answers = request.Sources.Count(s => s.Kind == NarrativeSource.Answer && !string.IsNullOrWhiteSpace(s.Text));
        if (!model.IsAvailable || answers == 0)
        {
            return ExtractiveSummary.Of(request.Sources);
        }

        var reply = await model.CompleteAsync(CitedNarrative.Instructions, CitedNarrative.Message(request), "governance_narrative", CitedNarrative.Schema,
            content => CitedNarrative.Parse(content, request.Sources), cancellationToken);
        if (reply is null)
        {
            Log.NarrativeFellBack(logger, "the model failed or replied badly", 0);
            return ExtractiveSummary.Of(request.Sources, "Azure OpenAI did not answer");
        }

        if (reply.Kept.Count == 0)
        {
            Log.NarrativeFellBack(logger, "no line cited a given source", reply.Dropped);
            return ExtractiveSummary.Of(request.Sources, "Azure OpenAI's lines cited none of the sources given, so none was kept");
        }

        Log.NarrativeWritten(logger, reply.Kept.Count, reply.Dropped);
        return new Narrative(Narrative.Model, CitedNarrative.Note(request.Sources, reply.Dropped), reply.Kept);
    }
}

/// <summary>
/// A register that gives a program's records as narrative sources (open RAID items, KPIs), for a
/// model to relate answers to. Registered by the feature that owns the register.
/// </summary>
public interface IProgramNarrativeSource
{
    Task<IReadOnlyList<NarrativeSource>> SourcesAsync(GovernanceDb db, GovernanceProgram program, CancellationToken cancellationToken);
}

public static class NarrativesFeature
{
    /// <summary>The narrative writer, on the Ask feature's model client (<see cref="IModelCompletion"/>), and the KPIs as sources: several features call this.</summary>
    public static IServiceCollection AddNarratives(this IServiceCollection services)
    {
        services.TryAddSingleton<INarrativeWriter, NarrativeWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProgramNarrativeSource, KpiNarrativeSource>());
        return services;
    }
}

/// <summary>The JSON the model replies with: one string per sentence, each ending with its citations.</summary>
internal sealed record NarrativeReply(IReadOnlyList<string>? Sentences);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NarrativeReply))]
internal sealed partial class NarrativeJson : JsonSerializerContext;
