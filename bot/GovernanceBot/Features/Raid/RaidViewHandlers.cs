using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>
/// <c>raid [program]</c> and the <c>raid.log</c> button: the program's RAID log card. <c>raid &lt;id&gt;</c>
/// (R-3, phoenix.r-3) and the <c>raid.show</c> button: one item with its history. Both are what
/// status shows, so the program's readers (members; guests where it is linked) see them.
/// </summary>
internal sealed class RaidHandler(GovernanceDb db, ReaderPolicy readers, ProgramDirectory directory, RaidViews views) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var action = context.Turn.Action;
        var itemId = action?.Data["itemId"]?.ToString();
        if (itemId is not null || (action is null && RaidRules.LooksLikeId(context.Arguments)))
        {
            return await ItemAsync(context, itemId, context.Arguments, cancellationToken);
        }

        var typed = action?.Data["program"]?.ToString() ?? context.Arguments.Trim();
        var (program, refusal) = await readers.ResolveAsync(context, typed, "raid Phoenix", Reading.Status, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        return [await views.LogAsync(program, cancellationToken)];
    }

    private async Task<IReadOnlyList<Reply>> ItemAsync(TurnContext context, string? itemId, string typed, CancellationToken cancellationToken)
    {
        if (await readers.RefusalHereAsync(context, Reading.Status, cancellationToken) is { } outsider)
        {
            return [outsider];
        }

        var here = await directory.DefaultAsync(context.WorkspaceId, context.Turn.Conversation, cancellationToken);
        var (item, problem) = itemId is not null
            ? (await RaidItems.ByIdAsync(db, context.WorkspaceId, itemId, cancellationToken), "That RAID item is no longer here. See the log with **raid <program>**.")
            : await RaidItems.FindAsync(db, context.WorkspaceId, typed, here?.Id, cancellationToken);
        if (item is null)
        {
            return [Reply.Text(problem!) with { Audience = ReplyAudience.Requester }];
        }

        if (await readers.RefusalAsync(context, item.Program, Reading.Status, cancellationToken) is { } refusal)
        {
            return [refusal];
        }

        return [await views.ItemAsync(item.Program!, item, cancellationToken)];
    }
}
