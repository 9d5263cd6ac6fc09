using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;

namespace GovernanceBot.Features.Approvals;

public static class ApprovalsFeature
{
    public static IServiceCollection AddApprovals(this IServiceCollection services) => services
        .AddRoutes(MapApprovals)
        .AddScoped<ApprovalBook>()
        .AddScoped<RequestApprovalHandler>()
        .AddScoped<ApprovalVoteHandler>()
        .AddScoped<ApprovalRefreshHandler>()
        .AddScoped<MyApprovalsHandler>()
        .AddScoped<DelegateApprovalsHandler>()
        .AddScoped<ApprovalCommands>()
        .AddScoped<DecideApprovalHandler>()
        .AddScoped<CancelApprovalHandler>()
        .AddScoped<ExtendApprovalHandler>()
        .AddGovernanceJob<ApprovalDeadlineJob>()
        .AddGovernanceJob<ApprovalReminderJob>();

    private static Router MapApprovals(Router router) => router
        .MapCommand<RequestApprovalHandler>("approval request",
            "approval request <title> approvers @a @b quorum majority|any|all|N of M due DATE [kind change-request] [max-rejections N] [on-deadline escalate] [for PROGRAM] [why <text>]",
            "Program managers: ask approvers to decide a stage gate or change on a card.", "Approvals")
        .MapCommand<DecideApprovalHandler>("approval decide", "approval decide <key> approve|reject [reason]",
            "Sponsors: decide a request escalated to you at its deadline (a rejection needs a reason).", "Approvals")
        .MapCommand<CancelApprovalHandler>("approval cancel", "approval cancel <key> [reason]",
            "Requesters and program managers: withdraw an open request.", "Approvals")
        .MapCommand<ExtendApprovalHandler>("approval extend", "approval extend <key> due DATE",
            "Requesters and program managers: move an open request's deadline later.", "Approvals")
        .MapCommand<MyApprovalsHandler>("approvals", "approvals", "The approvals waiting for your vote (also as a delegate).", "Approvals", ReplyAudience.Requester)
        .MapCommand<DelegateApprovalsHandler>("delegate approvals", "delegate approvals to @person until DATE", "Let someone vote for you while you are away (delegate approvals stop ends it).", "Approvals")
        .MapAction<ApprovalVoteHandler>("approval.vote")
        .MapAction<ApprovalRefreshHandler>("approval.refresh");
}
