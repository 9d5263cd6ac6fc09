using System.CommandLine;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Ask;

/// <summary><c>governancebot ask "question" [--program NAME] [--workspace KEY] [--offline]</c>: the answer and its sources, on the console.</summary>
public static class AskCli
{
    /// <param name="features">Registers Ask and every feature whose store facts it answers from (the caller knows them all; Ask names none).</param>
    public static Command Command(string[] args, Action<IServiceCollection, IConfiguration> features)
    {
        var question = new Argument<string[]>("question") { Description = "The question, e.g. \"who owns the cost-savings benefit?\"", Arity = ArgumentArity.OneOrMore };
        var program = new Option<string?>("--program") { Description = "Answer store questions from this program (key or name)." };
        var workspace = new Option<string?>("--workspace") { Description = "The workspace key (default: the program's, or the only one)." };
        var offline = new Option<bool>("--offline") { Description = "Do not call Azure OpenAI even when it is configured." };
        var command = new Command("ask", "Answer a question from the knowledge base and the store, and print its sources.") { question, program, workspace, offline };
        command.SetAction(async (result, ct) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var (host, exists) = await GovernanceCli.StartServicesForReadingAsync(args, features, ct);
            using var _ = host;
            await using var scope = host.Services.CreateAsyncScope();
            var programName = result.GetValue(program);
            var workspaceKey = result.GetValue(workspace);
            var workspaces = exists
                ? await scope.ServiceProvider.GetRequiredService<GovernanceDb>().Workspaces.AsNoTracking()
                    .Where(w => workspaceKey == null || w.Key == workspaceKey)
                    .Where(w => programName == null || w.Programs.Any(p => p.Key == programName || p.Name == programName))
                    .ToListAsync(ct)
                : [];
            var named = programName is not null || workspaceKey is not null;
            if (workspaces.Count > 1 || (named && workspaces.Count == 0))
            {
                await error.WriteLineAsync(workspaces.Count == 0
                    ? exists
                        ? "No workspace matches --workspace/--program (leave them out to ask a general question)."
                        : GovernanceBot.Features.GovernanceAsCode.GovernanceExporter.EmptyStore
                    : $"Several workspaces match: {string.Join(", ", workspaces.Select(w => w.Key))}. Name one with --workspace.");
                return 1;
            }

            // A general question needs no workspace: with none (an empty store), the knowledge base answers alone.
            var only = workspaces.SingleOrDefault();
            if (only is null)
            {
                await error.WriteLineAsync("No program in the store yet: answering from the knowledge base only.");
            }

            var service = scope.ServiceProvider.GetRequiredService<IAnswerService>();
            var answer = await service.AnswerAsync(
                new AskRequest(only?.Id ?? Guid.Empty, string.Join(' ', result.GetRequiredValue(question)), programName, !result.GetValue(offline), ReadStore: only is not null), ct);
            await output.WriteLineAsync(Render(answer, scope.ServiceProvider.GetRequiredService<AskReplies>()));
            return answer.Kind is AnswerKind.Declined or AnswerKind.Refused ? 3 : 0;
        });
        return command;
    }

    public static string Render(AskAnswer answer, AskReplies replies)
    {
        var lines = new List<string>();
        if (answer.Kind == AnswerKind.RolesComparison && replies.RolesCard() is { } roles)
        {
            lines.Add(roles.Title);
            lines.Add(roles.Intro);
            lines.AddRange(roles.Rows.Select(r => $"- {r.Aspect}: {roles.LeftRole.Title}: {r.Left} | {roles.RightRole.Title}: {r.Right}"));
            lines.Add(roles.Common);
            lines.Add(string.Empty);
            lines.Add("Sources:");
            lines.AddRange(roles.Sources.Select(s => $"- {s.Title} ({s.Detail})"));
            return string.Join(Environment.NewLine, lines);
        }

        lines.Add(answer.Text);
        if (answer.GroundedByAi)
        {
            lines.Add("(Written by AI from the numbered sources below only.)");
        }

        if (answer.Sources.Count > 0)
        {
            lines.Add(string.Empty);
            lines.Add("Sources:");
            lines.AddRange(answer.Sources.Select(s => $"[{s.Number}] {s.Source.Title} — {s.Source.Detail}{Environment.NewLine}    {s.Text}"));
        }

        return string.Join(Environment.NewLine, lines);
    }
}
