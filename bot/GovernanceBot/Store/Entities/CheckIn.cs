namespace GovernanceBot.Store.Entities;

/// <summary>A recurring check-in: its questions, who answers, when, and for how long.</summary>
public sealed class CheckInDefinition
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public GovernanceProgram? Program { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    /// <summary>Cron, read as local time in each participant's own time zone.</summary>
    public required string Cron { get; set; }
    /// <summary>How long a round stays open after its first prompt.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(1);
    /// <summary>Reminders go this long before the round closes.</summary>
    public List<TimeSpan> Reminders { get; set; } = [];
    public List<string> ParticipantRoles { get; set; } = [];
    public List<string> ParticipantKeys { get; set; } = [];
    public List<DateOnly> Holidays { get; set; } = [];
    public bool MentionNonResponders { get; set; }
    /// <summary>False while paused: no new rounds open; an open round still runs to its close.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>
    /// Occurrences before this are not rounds to catch up on: set when the check-in is created, its
    /// schedule changes or it is resumed, so none of those opens a round for a time already past.
    /// </summary>
    public DateTimeOffset ScheduledFrom { get; set; }
    /// <summary>Set when a check-in with recorded rounds is removed: it stays, with its history, but never runs again.</summary>
    public DateTimeOffset? ArchivedAt { get; set; }
    public List<CheckInQuestion> Questions { get; set; } = [];
}

public sealed class CheckInQuestion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CheckInId { get; set; }
    public required string Key { get; set; }
    public int Order { get; set; }
    public CheckInQuestionKind Kind { get; set; }
    public required string Text { get; set; }
    public bool Required { get; set; }
    /// <summary>Choices for a single-choice question; labels 1..5 for a scale.</summary>
    public List<string> Options { get; set; } = [];
    /// <summary>Answers to this question are quoted as risks and blockers in the summary.</summary>
    public bool FlagsRisks { get; set; }
}

public enum CheckInQuestionKind { Scale, Choice, Text }

public sealed class CheckInRound
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CheckInId { get; set; }
    public CheckInDefinition? CheckIn { get; set; }
    public Guid ProgramId { get; set; }
    /// <summary>The local calendar date the round is for (the cron occurrence's date).</summary>
    public DateOnly OccurrenceDate { get; set; }
    public DateTimeOffset OpensAt { get; set; }
    public DateTimeOffset ClosesAt { get; set; }
    public CheckInRoundStatus Status { get; set; }
    public DateTimeOffset? SummarisedAt { get; set; }
    /// <summary>
    /// The questions as the round's prompts showed them (JSON), so editing the check-in changes the
    /// next round, never one in flight. Null for rounds opened before this was kept: they read the definition's.
    /// </summary>
    public string? QuestionsJson { get; set; }
    public List<CheckInResponse> Responses { get; set; } = [];
}

public enum CheckInRoundStatus { Open, Closed }

public sealed class CheckInResponse
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid RoundId { get; set; }
    public Guid StakeholderId { get; set; }
    /// <summary>Question key → answer, JSON.</summary>
    public required string AnswersJson { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}
