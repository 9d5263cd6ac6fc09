namespace GovernanceBot.Conversation;

/// <summary>
/// Keys and enumeration words as people write them, in governance files and chat commands alike:
/// what a key (program, stakeholder, question …) may be, an enumeration's word, and "did you mean".
/// </summary>
public static class Keys
{
    public static bool IsKey(string key) =>
        key.Length is > 0 and <= 100 && key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.');

    /// <summary>An enumeration value as files and commands write it: <c>InDelivery</c> → <c>in-delivery</c>.</summary>
    public static string Word<TEnum>(TEnum value) where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));

    /// <summary>For an unknown stakeholder key: the nearest known key, or the keys there are.</summary>
    public static string SuggestStakeholder(string key, IEnumerable<string> known)
    {
        var list = known.ToList();
        if (list.Count == 0)
        {
            return "define stakeholders under 'stakeholders:' first";
        }

        var near = list.OrderBy(k => CommandText.Distance(k, key)).First();
        return CommandText.Distance(near, key) <= 3 ? $"did you mean '{near}'?" : $"stakeholders are: {string.Join(", ", list)}";
    }
}
