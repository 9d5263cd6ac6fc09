using System.Globalization;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>
/// A governance file with <c>asOf</c> (the demo) describes a day relative to when it is loaded, not
/// fixed dates. At a program's first import every date in it moves by whole weeks, so that asOf
/// becomes the latest same weekday on or before today: weekdays stay true ("Monday's check-in"), and
/// nothing dated on or before asOf lands in the future. The program keeps the moved asOf, so a later
/// import of the same file moves its dates by the same weeks (idempotent), and an export writes the
/// moved asOf with the stored dates, which imports back with no move at all.
/// </summary>
internal static class RelativeDates
{
    /// <summary>Moves the file's dates for this program and records its asOf; returns the days moved.</summary>
    public static int Apply(GovernanceFile file, GovernanceProgram program, bool isNew, DateTimeOffset now)
    {
        if (file.AsOf is null)
        {
            program.AsOf = null;
            return 0;
        }

        var asOf = GovernanceImporter.ParseDate(file.AsOf);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(file.Program.TimeZone);
        // A program imported before it had an asOf holds the file's dates as written: they stay put.
        var anchor = isNew ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime) : program.AsOf ?? asOf;
        var days = (int)Math.Floor((anchor.DayNumber - asOf.DayNumber) / 7.0) * 7;
        program.AsOf = asOf.AddDays(days);
        if (days != 0)
        {
            Move(file, days, zone);
        }

        return days;
    }

    private static void Move(GovernanceFile file, int days, TimeZoneInfo zone)
    {
        string Date(string text) => GovernanceImporter.ParseDate(text).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // Instants move on the program's wall clock: a deadline at 17:00 in London stays at 17:00
        // there when the weeks between cross a daylight-saving change.
        string Instant(string text)
        {
            var local = TimeZoneInfo.ConvertTime(GovernanceImporter.ParseInstant(text), zone).DateTime.AddDays(days);
            if (zone.IsInvalidTime(local))
            {
                local = local.AddHours(1);
            }

            return GovernanceFileReader.FormatInstant(new DateTimeOffset(local, zone.GetUtcOffset(local)));
        }

        file.AsOf = Date(file.AsOf!);
        foreach (var s in file.Stakeholders.Where(s => s.AwayUntil is not null))
        {
            s.AwayUntil = Date(s.AwayUntil!);
        }

        foreach (var m in file.Kpis.SelectMany(k => k.History))
        {
            m.Date = Date(m.Date);
        }

        foreach (var b in file.Benefits)
        {
            b.RealisationDate = b.RealisationDate is null ? null : Date(b.RealisationDate);
            b.BaselineDate = b.BaselineDate is null ? null : Date(b.BaselineDate);
            foreach (var m in b.Actuals)
            {
                m.Date = Date(m.Date);
            }
        }

        foreach (var g in file.LifeCycle?.Gates ?? [])
        {
            g.Date = g.Date is null ? null : Date(g.Date);
            g.Passed = g.Passed is null ? null : Date(g.Passed);
            foreach (var c in g.Criteria.Where(c => c.Confirmed is not null))
            {
                c.Confirmed = Date(c.Confirmed!);
            }
        }

        foreach (var c in file.CheckIns)
        {
            c.Holidays = c.Holidays.Select(Date).ToList();
        }

        foreach (var a in file.Approvals)
        {
            a.Created = a.Created is null ? null : Instant(a.Created);
            a.Due = a.Due is null ? null : Instant(a.Due);
            a.Decided = a.Decided is null ? null : Instant(a.Decided);
            foreach (var v in a.Votes)
            {
                v.At = Instant(v.At);
            }
        }

        foreach (var x in file.Raid)
        {
            (x.Review, x.ValidateBy, x.Due, x.NeededBy, x.Raised) = (Maybe(x.Review), Maybe(x.ValidateBy), Maybe(x.Due), Maybe(x.NeededBy), Maybe(x.Raised));
            x.Escalated = x.Escalated is null ? null : Instant(x.Escalated);
        }

        foreach (var d in file.Decisions.Where(d => d.Decided.Length > 0))
        {
            d.Decided = Instant(d.Decided);
        }

        string? Maybe(string? date) => date is null ? null : Date(date);
    }
}
