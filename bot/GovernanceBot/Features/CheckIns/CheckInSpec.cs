using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

// A check-in definition as a governance file writes it and the chat form edits it: one shape, read
// and checked by CheckInRules, stored by CheckInSpecs.Apply, written back by CheckInSpecs.Of.

public sealed class CheckInSpec
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string Schedule { get; set; } = "";
    public string Window { get; set; } = "1d";
    public List<string> Reminders { get; set; } = [];
    public ParticipantsSpec Participants { get; set; } = new();
    public List<string> Holidays { get; set; } = [];
    public bool MentionNonResponders { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>True for a check-in removed by chat that keeps its recorded rounds; absent otherwise.</summary>
    public bool? Archived { get; set; }
    public List<QuestionSpec> Questions { get; set; } = [];
}

public sealed class ParticipantsSpec
{
    public List<string> Roles { get; set; } = [];
    public List<string> Stakeholders { get; set; } = [];
}

public sealed class QuestionSpec
{
    public string Key { get; set; } = "";
    public string Text { get; set; } = "";
    public string Kind { get; set; } = "text";
    public bool Required { get; set; }
    public List<string> Options { get; set; } = [];
    public bool FlagsRisks { get; set; }
}

/// <summary>Between a stored check-in and its spec, both ways: import and the chat form store a definition the same way.</summary>
public static class CheckInSpecs
{
    /// <summary>A check-in as the file writes it; the chat form shows the same.</summary>
    public static CheckInSpec Of(CheckInDefinition c) => new()
    {
        Key = c.Key,
        Name = c.Name,
        Schedule = c.Cron,
        Window = Durations.Format(c.Window),
        Reminders = c.Reminders.Select(Durations.Format).ToList(),
        Participants = new ParticipantsSpec { Roles = [.. c.ParticipantRoles], Stakeholders = [.. c.ParticipantKeys] },
        Holidays = c.Holidays.Select(h => h.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList(),
        MentionNonResponders = c.MentionNonResponders,
        Enabled = c.Enabled,
        Archived = c.ArchivedAt is null ? null : true,
        Questions = c.Questions.OrderBy(q => q.Order).Select(q => new QuestionSpec
        {
            Key = q.Key,
            Text = q.Text,
            Kind = Keys.Word(q.Kind),
            Required = q.Required,
            Options = [.. q.Options],
            FlagsRisks = q.FlagsRisks,
        }).ToList(),
    };

    /// <summary>
    /// Makes a check-in (and its questions, matched by key) say what a validated spec says; used by
    /// import and by the chat form, so both store a definition the same way.
    /// </summary>
    public static void Apply(GovernanceDb db, CheckInDefinition c, CheckInSpec x, List<string> changes, DateTimeOffset now)
    {
        if (db.Entry(c).State == EntityState.Added || c.Cron != x.Schedule || (!c.Enabled && x.Enabled))
        {
            c.ScheduledFrom = now;
        }

        c.Name = x.Name;
        c.Cron = x.Schedule;
        c.Window = Duration(x.Window);
        c.Reminders = x.Reminders.Select(Duration).ToList();
        c.ParticipantRoles = x.Participants.Roles;
        c.ParticipantKeys = x.Participants.Stakeholders;
        c.Holidays = x.Holidays.Select(h => DateOnly.ParseExact(h, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        c.MentionNonResponders = x.MentionNonResponders;
        c.Enabled = x.Enabled;
        c.ArchivedAt = x.Archived == true ? c.ArchivedAt ?? now : null;
        var order = 0;
        KeyedSync.Apply(db, c.Questions, x.Questions, q => q.Key, q => q.Key, changes, $"question of {x.Key}",
            q => new CheckInQuestion { CheckInId = c.Id, Key = q.Key, Text = q.Text },
            (q, qs) =>
            {
                q.Order = order++;
                q.Text = qs.Text;
                q.Kind = Enum.Parse<CheckInQuestionKind>(qs.Kind, ignoreCase: true);
                q.Required = qs.Required;
                q.Options = qs.Options;
                q.FlagsRisks = qs.FlagsRisks;
            });
    }

    private static TimeSpan Duration(string text) =>
        Durations.TryParse(text, out var value) ? value : throw new FormatException($"Not a duration: {text}");
}
