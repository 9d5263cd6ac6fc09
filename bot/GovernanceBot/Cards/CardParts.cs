namespace GovernanceBot.Cards;

/// <summary>The program a card is about; <see cref="Id"/> is the program key the status/KPI/benefit buttons carry.</summary>
public sealed record CardProgram(string Id, [property: UserText] string Name);

/// <summary>A <c>help.run</c> button: its title and the command it runs.</summary>
public sealed record CardSuggestion(string Title, string Command);

/// <summary>A cited source; <see cref="Url"/> is <c>""</c> when there is no link.</summary>
public sealed record CardSource(string Title, string Detail, string Url);

/// <summary>RAG counts as the KPI cards show them.</summary>
public sealed record RagCounts(int Green, int Amber, int Red, int None, int Total);

/// <summary>
/// Benefit status counts as the benefit and program cards show them, one per status a benefit can
/// have; <see cref="Text"/> names the statuses that occur, in the register's words.
/// </summary>
public sealed record BenefitCounts(int Identified, int Planned, int InDelivery, int Realised, int Sustained, int AtRisk, int Total, string Text);

/// <summary>A person as cards greet them.</summary>
public sealed record CardPerson([property: UserText] string Name, [property: UserText] string FirstName);
