using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Features.Dashboard;

/// <summary>
/// <c>dashboard [program]</c> (and "Open dashboard" on a status card): a link to the web dashboard
/// for the person who asked, sent to them alone — it opens a session as them.
/// </summary>
internal sealed class DashboardHandler(ReaderPolicy readers, DashboardLinks links, IOptions<DashboardOptions> options) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var typed = context.Turn.Action?.Data["program"]?.ToString() ?? context.Arguments;
        var reader = await readers.ReaderAsync(context, cancellationToken);
        if (reader.IsOutsider)
        {
            return [Reply.Text("The dashboard shows programs to the people of this organisation. You see a program's status in the channel it is posted to: type **status** there.")
                with { Audience = ReplyAudience.Requester }];
        }

        string? program = null;
        if (!string.IsNullOrWhiteSpace(typed))
        {
            // A status card's button carries "program-key"; a typed name is looked up like every reading command's.
            var (found, refusal) = await readers.ResolveAsync(context, typed.Split('.')[0], "dashboard Phoenix", Reading.Status, cancellationToken);
            if (found is null)
            {
                return [refusal! with { Audience = ReplyAudience.Requester }];
            }

            program = found.Key;
        }

        var user = context.User;
        var url = links.Issue(context.Workspace, new DashboardPerson(context.WorkspaceId, user.Email, context.Turn.Channel, user.Id, user.Name), program);
        var minutes = (int)Math.Round(options.Value.LinkLifetime.TotalMinutes);
        return [Reply.Text($"[Open your dashboard]({url}) — the link is yours alone: it works once, within {minutes} minutes, and opens a session that shows what you can see here. For a new one, type **dashboard** again.")
            with { Audience = ReplyAudience.Requester }];
    }
}
