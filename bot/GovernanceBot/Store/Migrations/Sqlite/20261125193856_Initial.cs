using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Before = table.Column<string>(type: "TEXT", maxLength: 64000, nullable: true),
                    After = table.Column<string>(type: "TEXT", maxLength: 64000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CardMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ConversationJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    PostedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CardMessages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DecisionLog",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ApprovalRequestId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DecisionLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Delegations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FromId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ToId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Until = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Delegations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InboundEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    DedupeKey = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Destination = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    PayloadJson = table.Column<string>(type: "TEXT", maxLength: 200000, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LockedBy = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PlatformMessageId = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Workspaces",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Workspaces", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChatUsers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ExternalUserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    AadObjectId = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    DirectConversationJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    UnreachableReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    UnreachableSince = table.Column<long>(type: "INTEGER", nullable: true),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChatUsers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ChatUsers_Workspaces_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "Workspaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Conversations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ConversationId = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    ConversationJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    WelcomedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RemovedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Conversations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Conversations_Workspaces_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "Workspaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Programs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Phase = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    StatusPostCron = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Programs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Programs_Workspaces_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "Workspaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WorkspaceIdentities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProtectedBotToken = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    BotUserId = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    InstalledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkspaceIdentities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WorkspaceIdentities_Workspaces_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "Workspaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ApproverGroups",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    MemberKeys = table.Column<string>(type: "TEXT", nullable: false),
                    Quorum = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    QuorumCount = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxRejections = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApproverGroups", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApproverGroups_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CheckIns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Cron = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Window = table.Column<TimeSpan>(type: "TEXT", nullable: false),
                    Reminders = table.Column<string>(type: "TEXT", nullable: false),
                    ParticipantRoles = table.Column<string>(type: "TEXT", nullable: false),
                    ParticipantKeys = table.Column<string>(type: "TEXT", nullable: false),
                    Holidays = table.Column<string>(type: "TEXT", nullable: false),
                    MentionNonResponders = table.Column<bool>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckIns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CheckIns_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProgramChannels",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ConversationJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    LinkedBy = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    LinkedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProgramChannels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProgramChannels_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Stakeholders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Roles = table.Column<string>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    AwayUntil = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Stakeholders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Stakeholders_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CheckInQuestions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CheckInId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Order = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Required = table.Column<bool>(type: "INTEGER", nullable: false),
                    Options = table.Column<string>(type: "TEXT", nullable: false),
                    FlagsRisks = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckInQuestions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CheckInQuestions_CheckIns_CheckInId",
                        column: x => x.CheckInId,
                        principalTable: "CheckIns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CheckInRounds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CheckInId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OccurrenceDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    OpensAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosesAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SummarisedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckInRounds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CheckInRounds_CheckIns_CheckInId",
                        column: x => x.CheckInId,
                        principalTable: "CheckIns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Approvals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    RequesterId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Deadline = table.Column<long>(type: "INTEGER", nullable: true),
                    OnDeadline = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ReminderLead = table.Column<TimeSpan>(type: "TEXT", nullable: false),
                    Quorum = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    QuorumCount = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxRejections = table.Column<int>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RemindedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Approvals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Approvals_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Approvals_Stakeholders_RequesterId",
                        column: x => x.RequesterId,
                        principalTable: "Stakeholders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "Benefits",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RealisationDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Baseline = table.Column<double>(type: "REAL", nullable: true),
                    Target = table.Column<double>(type: "REAL", nullable: true),
                    KpiKeys = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Benefits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Benefits_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Benefits_Stakeholders_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "Stakeholders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "Kpis",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Target = table.Column<double>(type: "REAL", nullable: false),
                    Amber = table.Column<double>(type: "REAL", nullable: false),
                    Red = table.Column<double>(type: "REAL", nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Cadence = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Kpis", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Kpis_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Kpis_Stakeholders_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "Stakeholders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "CheckInResponses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RoundId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StakeholderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AnswersJson = table.Column<string>(type: "TEXT", maxLength: 64000, nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckInResponses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CheckInResponses_CheckInRounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "CheckInRounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ApprovalApprovers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StakeholderId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApprovalApprovers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApprovalApprovers_Approvals_RequestId",
                        column: x => x.RequestId,
                        principalTable: "Approvals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ApprovalApprovers_Stakeholders_StakeholderId",
                        column: x => x.StakeholderId,
                        principalTable: "Stakeholders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Votes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ApproverId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CastById = table.Column<Guid>(type: "TEXT", nullable: false),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CastAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Votes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Votes_Approvals_RequestId",
                        column: x => x.RequestId,
                        principalTable: "Approvals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Votes_Stakeholders_ApproverId",
                        column: x => x.ApproverId,
                        principalTable: "Stakeholders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "KpiMeasurements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KpiId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KpiMeasurements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KpiMeasurements_Kpis_KpiId",
                        column: x => x.KpiId,
                        principalTable: "Kpis",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalApprovers_RequestId_StakeholderId",
                table: "ApprovalApprovers",
                columns: new[] { "RequestId", "StakeholderId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalApprovers_StakeholderId",
                table: "ApprovalApprovers",
                column: "StakeholderId");

            migrationBuilder.CreateIndex(
                name: "IX_Approvals_ProgramId_Key",
                table: "Approvals",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Approvals_RequesterId",
                table: "Approvals",
                column: "RequesterId");

            migrationBuilder.CreateIndex(
                name: "IX_ApproverGroups_ProgramId_Key",
                table: "ApproverGroups",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Audit_WorkspaceId_ProgramId_At",
                table: "Audit",
                columns: new[] { "WorkspaceId", "ProgramId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Benefits_OwnerId",
                table: "Benefits",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Benefits_ProgramId_Key",
                table: "Benefits",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CardMessages_Channel_MessageId",
                table: "CardMessages",
                columns: new[] { "Channel", "MessageId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CardMessages_WorkspaceId_Subject",
                table: "CardMessages",
                columns: new[] { "WorkspaceId", "Subject" });

            migrationBuilder.CreateIndex(
                name: "IX_ChatUsers_WorkspaceId_Channel_ExternalUserId",
                table: "ChatUsers",
                columns: new[] { "WorkspaceId", "Channel", "ExternalUserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChatUsers_WorkspaceId_Email",
                table: "ChatUsers",
                columns: new[] { "WorkspaceId", "Email" });

            migrationBuilder.CreateIndex(
                name: "IX_CheckInQuestions_CheckInId_Key",
                table: "CheckInQuestions",
                columns: new[] { "CheckInId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CheckInResponses_RoundId_StakeholderId",
                table: "CheckInResponses",
                columns: new[] { "RoundId", "StakeholderId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CheckInRounds_CheckInId_OccurrenceDate",
                table: "CheckInRounds",
                columns: new[] { "CheckInId", "OccurrenceDate" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_ProgramId_Key",
                table: "CheckIns",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_Channel_ConversationId",
                table: "Conversations",
                columns: new[] { "Channel", "ConversationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_WorkspaceId",
                table: "Conversations",
                column: "WorkspaceId");

            migrationBuilder.CreateIndex(
                name: "IX_DecisionLog_ApprovalRequestId",
                table: "DecisionLog",
                column: "ApprovalRequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DecisionLog_ProgramId_DecidedAt",
                table: "DecisionLog",
                columns: new[] { "ProgramId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Delegations_ProgramId_FromId",
                table: "Delegations",
                columns: new[] { "ProgramId", "FromId" });

            migrationBuilder.CreateIndex(
                name: "IX_InboundEvents_Channel_DedupeKey",
                table: "InboundEvents",
                columns: new[] { "Channel", "DedupeKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboundEvents_ReceivedAt",
                table: "InboundEvents",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_KpiMeasurements_KpiId_Date",
                table: "KpiMeasurements",
                columns: new[] { "KpiId", "Date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Kpis_OwnerId",
                table: "Kpis",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Kpis_ProgramId_Key",
                table: "Kpis",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_IdempotencyKey",
                table: "Outbox",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Status_NextAttemptAt",
                table: "Outbox",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Subject",
                table: "Outbox",
                column: "Subject");

            migrationBuilder.CreateIndex(
                name: "IX_ProgramChannels_ProgramId_Channel",
                table: "ProgramChannels",
                columns: new[] { "ProgramId", "Channel" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Programs_WorkspaceId_Key",
                table: "Programs",
                columns: new[] { "WorkspaceId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Stakeholders_Email",
                table: "Stakeholders",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_Stakeholders_ProgramId_Key",
                table: "Stakeholders",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Votes_ApproverId",
                table: "Votes",
                column: "ApproverId");

            migrationBuilder.CreateIndex(
                name: "IX_Votes_RequestId_ApproverId",
                table: "Votes",
                columns: new[] { "RequestId", "ApproverId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkspaceIdentities_Channel_ExternalId",
                table: "WorkspaceIdentities",
                columns: new[] { "Channel", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkspaceIdentities_WorkspaceId",
                table: "WorkspaceIdentities",
                column: "WorkspaceId");

            migrationBuilder.CreateIndex(
                name: "IX_Workspaces_Key",
                table: "Workspaces",
                column: "Key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApprovalApprovers");

            migrationBuilder.DropTable(
                name: "ApproverGroups");

            migrationBuilder.DropTable(
                name: "Audit");

            migrationBuilder.DropTable(
                name: "Benefits");

            migrationBuilder.DropTable(
                name: "CardMessages");

            migrationBuilder.DropTable(
                name: "ChatUsers");

            migrationBuilder.DropTable(
                name: "CheckInQuestions");

            migrationBuilder.DropTable(
                name: "CheckInResponses");

            migrationBuilder.DropTable(
                name: "Conversations");

            migrationBuilder.DropTable(
                name: "DecisionLog");

            migrationBuilder.DropTable(
                name: "Delegations");

            migrationBuilder.DropTable(
                name: "InboundEvents");

            migrationBuilder.DropTable(
                name: "KpiMeasurements");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "ProgramChannels");

            migrationBuilder.DropTable(
                name: "Votes");

            migrationBuilder.DropTable(
                name: "WorkspaceIdentities");

            migrationBuilder.DropTable(
                name: "CheckInRounds");

            migrationBuilder.DropTable(
                name: "Kpis");

            migrationBuilder.DropTable(
                name: "Approvals");

            migrationBuilder.DropTable(
                name: "CheckIns");

            migrationBuilder.DropTable(
                name: "Stakeholders");

            migrationBuilder.DropTable(
                name: "Programs");

            migrationBuilder.DropTable(
                name: "Workspaces");
        }
    }
}
