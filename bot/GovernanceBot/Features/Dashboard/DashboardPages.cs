using System.Globalization;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Benefits;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Dashboard;

/// <summary>
/// The dashboard's pages as server-rendered HTML: readable without script, charts as inline SVG with
/// their values in a table beside them, every value a person typed encoded as text (<see cref="Html"/>).
/// </summary>
public static class DashboardPages
{
    public const string StyleSheet = "/dashboard/assets/dashboard.css";

    public static string Portfolio(PortfolioView view)
    {
        var html = new Html();
        html.Append($"<h1>Portfolio <span class=\"sub\">{view.WorkspaceName}</span></h1>");
        if (view.Programs.Count == 0)
        {
            html.Append($"<section class=\"empty\" aria-labelledby=\"empty-h\"><h2 id=\"empty-h\">Nothing to show yet</h2>");
            if (!view.WorkspaceHasPrograms)
            {
                html.Append($"<p>No programs are set up in this workspace yet. A program manager can import one with <code>governancebot import program.yaml</code> (see <code>samples/phoenix.yaml</code> for an example); it appears here at once.</p>");
            }
            else
            {
                html.Append($"<p>There is no program here you can see. {(view.IsOutsider ? "As a guest or someone from another organisation you see a program's status in the channel it is posted to." : "Ask a program manager to add you as a stakeholder.")}</p>");
            }

            html.Append($"</section>");
            return Layout("Portfolio", html.ToString());
        }

        var red = view.Programs.Count(p => p.Overall == Rag.Red);
        var amber = view.Programs.Count(p => p.Overall == Rag.Amber);
        var green = view.Programs.Count(p => p.Overall == Rag.Green);
        html.Append($"<p class=\"lead\">{view.Programs.Count} {(view.Programs.Count == 1 ? "program" : "programs")}: {red} red, {amber} amber, {green} green.</p>");
        html.Append($"<table class=\"grid\"><caption>Programs you can see, by name</caption><thead><tr>");
        html.Append($"<th scope=\"col\">Program</th><th scope=\"col\">Health</th><th scope=\"col\">Phase</th><th scope=\"col\">KPIs (red / amber / green)</th><th scope=\"col\">Benefits at risk</th><th scope=\"col\">Pending approvals</th><th scope=\"col\">Program manager</th><th scope=\"col\">Sponsor</th>");
        html.Append($"</tr></thead><tbody>");
        foreach (var p in view.Programs)
        {
            html.Append($"<tr data-program=\"{p.Program.Key}\"><th scope=\"row\"><a href=\"{ProgramPath(p.Program.Key)}\">{p.Program.Name}</a></th>");
            html.Append($"<td>{Badge(p.Overall)} <span class=\"note\">{p.Summary}</span></td><td>{ProgramStatusQuery.PhaseWord(p.Program.Phase)}</td>");
            html.Append($"<td>{p.Kpis.Red} / {p.Kpis.Amber} / {p.Kpis.Green}</td><td>{p.Benefits.AtRisk} of {p.Benefits.Total}</td><td>{p.PendingApprovals}</td>");
            html.Append($"<td>{p.ProgramManager}</td><td>{p.Sponsor}</td></tr>");
        }

        html.Append($"</tbody></table>");
        return Layout("Portfolio", html.ToString());
    }

    public static string Program(ProgramView view, DateTimeOffset now)
    {
        var p = view.Program;
        var s = view.Status;
        var overall = Parse(s.Overall.Rag);
        var html = new Html();
        html.Append($"<h1>{p.Name}</h1>");
        html.Append($"<section class=\"status\" aria-labelledby=\"health-h\"><h2 id=\"health-h\" class=\"visually-hidden\">Health</h2>");
        html.Append($"<p class=\"health\" data-health=\"{s.Overall.Rag}\">Overall health: {Badge(overall)} {s.Overall.Summary}</p>");
        html.Append($"<dl class=\"facts\"><div><dt>Phase</dt><dd>{s.Program.Phase}{(string.IsNullOrWhiteSpace(p.Stage) ? "" : " — ")}{p.Stage ?? ""}</dd></div>");
        html.Append($"<div><dt>Next gate</dt><dd>{s.NextGate.Text}</dd></div>");
        html.Append($"<div><dt>Program manager</dt><dd>{s.Program.Manager}</dd></div><div><dt>Sponsor</dt><dd>{s.Program.Sponsor}</dd></div>");
        html.Append($"<div><dt>As of</dt><dd>{s.AsOfText}</dd></div></dl>");
        html.Append($"<ul class=\"dimensions\">");
        foreach (var d in s.Dimensions)
        {
            html.Append($"<li>{d.Name}: {Badge(Parse(d.Rag))} {d.Note}</li>");
        }

        html.Append($"</ul></section>");

        Kpis(html, view);
        Benefits(html, view);
        Approvals(html, view, now);
        CheckIns(html, view);
        // The RAID heatmap (risks, assumptions, issues, dependencies by likelihood and impact) goes
        // here once the registers exist in the store; until then the page shows nothing in its place.
        return Layout(p.Name, html.ToString());
    }

    private static void Kpis(Html html, ProgramView view)
    {
        html.Append($"<section aria-labelledby=\"kpis-h\"><h2 id=\"kpis-h\">KPIs</h2>");
        if (view.Kpis.Count == 0)
        {
            html.Append($"<p>No KPIs are defined for this program yet.</p></section>");
            return;
        }

        html.Append($"<div class=\"tiles\">");
        var i = 0;
        foreach (var tile in view.Kpis)
        {
            i++;
            var k = tile.Summary;
            var id = $"kpi{i}";
            html.Append($"<article class=\"tile\" data-kpi=\"{tile.Kpi.Key}\" aria-labelledby=\"{id}-h\"><h3 id=\"{id}-h\">{k.Name}</h3>");
            html.Append($"<p class=\"value\"><span class=\"kpi-value\">{k.ValueText}</span> {Badge(Parse(k.Rag))}</p>");
            html.Append($"<p class=\"meta\">Target {k.TargetText}{(k.DeltaText.Length > 0 ? " · " : "")}{(k.DeltaText.Length > 0 ? $"{k.DeltaText} ({k.Movement})" : "")} · {k.LastUpdatedText} · owner {k.Owner}</p>");
            if (!string.IsNullOrWhiteSpace(tile.LatestNote))
            {
                html.Append($"<p class=\"note\">Note: <q class=\"kpi-note\">{tile.LatestNote}</q></p>");
            }

            var points = tile.Recent.Select(m => new ChartPoint(m.Date.ToString("d MMM", CultureInfo.InvariantCulture), m.Value)).ToList();
            var description = points.Count == 0 ? "No values recorded yet."
                : $"{points.Count} values from {points[0].Label} to {points[^1].Label}, latest {k.ValueText}; target {k.TargetText}.";
            html.Append($"{SvgChart.Line(id, $"{k.Name}: trend", description, points, tile.Kpi.Target)}");
            if (points.Count > 0)
            {
                html.Append($"<details><summary>Values</summary><table class=\"values\"><caption class=\"visually-hidden\">{k.Name}: values</caption><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Value</th></tr></thead><tbody>");
                foreach (var m in tile.Recent.AsEnumerable().Reverse())
                {
                    html.Append($"<tr><td>{m.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</td><td>{KpiRag.Format(m.Value, tile.Kpi.Unit)}</td></tr>");
                }

                html.Append($"</tbody></table></details>");
            }

            html.Append($"</article>");
        }

        html.Append($"</div></section>");
    }

    private static void Benefits(Html html, ProgramView view)
    {
        html.Append($"<section aria-labelledby=\"benefits-h\"><h2 id=\"benefits-h\">Benefits</h2>");
        if (view.Benefits.Count == 0)
        {
            html.Append($"<p>No benefits are registered for this program yet.</p></section>");
            return;
        }

        html.Append($"<table class=\"grid\"><caption class=\"visually-hidden\">Benefits: baseline, actual and target</caption><thead><tr><th scope=\"col\">Benefit</th><th scope=\"col\">Owner</th><th scope=\"col\">Status</th><th scope=\"col\">Baseline → actual → target</th><th scope=\"col\">Realisation</th></tr></thead><tbody>");
        foreach (var b in view.Benefits)
        {
            html.Append($"<tr><th scope=\"row\">{b.Row.Name}</th><td>{b.Row.Owner}</td><td>{BenefitStatuses.Word(b.Benefit.Status)}</td><td>");
            if (b.Benefit.Baseline is not null || b.Benefit.Target is not null)
            {
                html.Append($"<p>Benefit baseline {Amount(b.Benefit.Baseline, b.Benefit.Unit)}, target {Amount(b.Benefit.Target, b.Benefit.Unit)}</p>");
            }

            if (b.Row.Kpis.Count > 0)
            {
                html.Append($"<ul class=\"plain\">");
                foreach (var k in b.Row.Kpis)
                {
                    html.Append($"<li>{k.Name}: <strong>{k.CurrentText}</strong>, target {k.TargetText} {Badge(Parse(k.Rag))}</li>");
                }

                html.Append($"</ul>");
            }
            else if (b.Benefit.Baseline is null && b.Benefit.Target is null)
            {
                html.Append($"not measured yet");
            }

            html.Append($"</td><td>{b.Row.RealisationDateText}</td></tr>");
        }

        html.Append($"</tbody></table></section>");
    }

    private static void Approvals(Html html, ProgramView view, DateTimeOffset now)
    {
        html.Append($"<section aria-labelledby=\"approvals-h\"><h2 id=\"approvals-h\">Approvals</h2>");
        if (view.Approvals.Count == 0)
        {
            html.Append($"<p>No approvals have been requested for this program.</p></section>");
            return;
        }

        html.Append($"<table class=\"grid\"><caption class=\"visually-hidden\">Approvals, pending first, with their votes</caption><thead><tr><th scope=\"col\">Request</th><th scope=\"col\">Kind</th><th scope=\"col\">Status</th><th scope=\"col\">Votes</th><th scope=\"col\">Deadline</th></tr></thead><tbody>");
        foreach (var a in view.Approvals)
        {
            var r = a.Request;
            var t = a.Tally;
            var open = r.Status == ApprovalStatus.Pending;
            html.Append($"<tr data-approval=\"{r.Key}\"><th scope=\"row\">{r.Title}</th><td>{ProgramStatusQuery.KindWord(r.Kind)}</td><td>{Capitalised(ApprovalText.StatusWord(r.Status))}</td>");
            html.Append($"<td><span class=\"tally\">{t.Approve} approve, {t.Reject} reject, {t.Abstain} abstain, {t.Pending} not voted</span><br><span class=\"note\">{a.Rule}{(open ? " " : "")}{(open ? a.Progress : "")}</span></td>");
            html.Append($"<td>{ApprovalText.Deadline(r.Deadline, now, view.Zone, open)}</td></tr>");
        }

        html.Append($"</tbody></table></section>");
    }

    private static void CheckIns(Html html, ProgramView view)
    {
        html.Append($"<section aria-labelledby=\"checkins-h\"><h2 id=\"checkins-h\">Check-ins</h2>");
        if (view.CheckIns.Count == 0)
        {
            html.Append($"<p>No check-ins are defined for this program yet.</p></section>");
            return;
        }

        var i = 0;
        foreach (var trend in view.CheckIns)
        {
            i++;
            html.Append($"<article class=\"checkin\" aria-labelledby=\"ci{i}-h\"><h3 id=\"ci{i}-h\">{trend.CheckIn.Name}</h3>");
            if (trend.Rounds.Count == 0)
            {
                html.Append($"<p>No rounds yet.</p></article>");
                continue;
            }

            var labels = trend.Rounds.Select(r => r.Date.ToString("d MMM", CultureInfo.InvariantCulture)).ToList();
            var rates = trend.Rounds.Select((r, n) => new ChartPoint(labels[n], r.Invited == 0 ? null : 100.0 * r.Answered / r.Invited)).ToList();
            var scores = trend.Rounds.Select((r, n) => new ChartPoint(labels[n], r.MeanScore)).ToList();
            var last = trend.Rounds[^1];
            html.Append($"<div class=\"pair\"><figure>{SvgChart.Line($"ci{i}r", $"{trend.CheckIn.Name}: response rate", $"Share of people asked who answered, over {trend.Rounds.Count} rounds; latest {last.Answered} of {last.Invited}.", rates, floor: 0, ceiling: 100)}<figcaption>Response rate (%)</figcaption></figure>");
            html.Append($"<figure>{SvgChart.Line($"ci{i}s", $"{trend.CheckIn.Name}: mean score", $"Mean of the scale answers (1 to 5), over {trend.Rounds.Count} rounds.", scores, floor: 1, ceiling: 5)}<figcaption>Mean score (1–5)</figcaption></figure></div>");
            html.Append($"<details><summary>Rounds</summary><table class=\"values\"><caption class=\"visually-hidden\">{trend.CheckIn.Name}: rounds</caption><thead><tr><th scope=\"col\">Round</th><th scope=\"col\">Answered</th><th scope=\"col\">Mean score</th></tr></thead><tbody>");
            foreach (var r in trend.Rounds.AsEnumerable().Reverse())
            {
                html.Append($"<tr><td>{r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</td><td>{r.Answered} of {r.Invited}</td><td>{(r.MeanScore is { } m ? m.ToString("0.0", CultureInfo.InvariantCulture) : "—")}</td></tr>");
            }

            html.Append($"</tbody></table></details>");
            if (trend.LatestRisks.Count > 0)
            {
                html.Append($"<h4>Risks and blockers raised in the latest round</h4><ul class=\"quotes\">");
                foreach (var q in trend.LatestRisks)
                {
                    html.Append($"<li><span class=\"kind\">{(q.Kind == "blocker" ? "Blocker" : "Risk")}:</span> <q class=\"answer\">{q.Text}</q> — {q.Author}</li>");
                }

                html.Append($"</ul>");
            }

            html.Append($"</article>");
        }

        html.Append($"</section>");
    }

    /// <summary>The one page every refused link gets: it says what to do, never why (the log does).</summary>
    public static string LinkRefused() => Layout("Link expired", new Html()
        .Append($"<h1>This link has expired</h1><p>Dashboard links work once and only for a short while. Type <code>dashboard</code> in chat with the bot for a new one.</p>")
        .ToString(), navigation: false);

    /// <summary>A download link that is used up, expired or not the bot's.</summary>
    public static string FileLinkRefused(bool used) => Layout(used ? "Link already used" : "Link expired", new Html()
        .Append($"<h1>{(used ? "This download link has been used" : "This download link has expired")}</h1><p>Download links work once and only for a short while, for the person they were sent to. Ask the bot again in chat (for example <code>audit export</code> or <code>checkin answers</code>) for a new one.</p>")
        .ToString(), navigation: false);

    /// <summary>A download link whose person may no longer have the file.</summary>
    public static string FileRefused(string why) => Layout("Not available", new Html()
        .Append($"<h1>This file is not available to you</h1><p>{why.Replace("**", string.Empty, StringComparison.Ordinal)}</p>")
        .ToString(), navigation: false);

    /// <summary>No session: how to get one.</summary>
    public static string SignedOut() => Layout("Sign in from chat", new Html()
        .Append($"<h1>Open the dashboard from chat</h1><p>The dashboard opens from a personal link. Type <code>dashboard</code> in chat with the bot (or press <strong>Open dashboard</strong> on a status card) and follow the link it sends you.</p>")
        .ToString(), navigation: false);

    public static string ProgramNotFound(string key) => Layout("No such program", new Html()
        .Append($"<h1>No program to show</h1><p>There is no program with the key <code>{key}</code> that you can see. <a href=\"/dashboard\">See the programs you can see</a>.</p>")
        .ToString());

    public static string ProgramPath(string key) => $"/dashboard/programs/{Uri.EscapeDataString(key)}";

    internal static string Layout(string title, string body, bool navigation = true, Markup? head = null)
    {
        var html = new Html();
        html.Append($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append($"<title>{title} · GovernanceBot</title><link rel=\"stylesheet\" href=\"{StyleSheet}\">{head ?? new Markup(string.Empty)}</head><body>");
        html.Append($"<a class=\"skip\" href=\"#main\">Skip to content</a><header><p class=\"brand\">GovernanceBot</p>");
        if (navigation)
        {
            html.Append($"<nav aria-label=\"Dashboard\"><a href=\"/dashboard\">Portfolio</a></nav>");
        }

        html.Append($"</header><main id=\"main\">");
        html.AppendMarkup(new Markup(body));
        html.Append($"</main></body></html>");
        return html.ToString();
    }

    private static Markup Badge(Rag rag) => new(new Html()
        .Append($"<span class=\"rag rag-{ProgramStatusQuery.RagKey(rag)}\">{ProgramStatusQuery.RagWord(rag)}</span>").ToString());

    private static Rag Parse(string key) => key switch
    {
        "green" => Rag.Green,
        "amber" => Rag.Amber,
        "red" => Rag.Red,
        _ => Rag.NoData,
    };

    private static string Capitalised(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private static string Amount(double? value, string? unit) => value is { } v ? KpiRag.Format(v, unit) : "not set";
}
