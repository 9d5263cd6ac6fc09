namespace GovernanceBot.Cards.BlockKit;

/// <summary>Block Kit limits (reference/platforms.md B6, B3). Exceeding any of them makes Slack refuse the whole message.</summary>
public static class BlockLimits
{
    public const int MessageBlocks = 50;
    public const int ModalBlocks = 100;
    public const int SectionText = 3000;
    public const int SectionFields = 10;
    public const int FieldText = 2000;
    public const int HeaderText = 150;
    public const int ContextElements = 10;
    public const int ActionElements = 25;
    public const int ButtonText = 75;
    public const int ButtonValue = 2000;
    public const int Id = 255;
    public const int SelectOptions = 100;
    public const int ChoiceOptions = 10;
    public const int OptionText = 75;
    public const int OptionValue = 150;
    public const int ModalTitle = 24;
    public const int PrivateMetadata = 3000;
    public const int ImageAltText = 2000;
    public const int Placeholder = 150;
    public const int InputLabel = 2000;

    /// <summary>Cuts <paramref name="text"/> to <paramref name="max"/> characters, ending in "…" when cut, never splitting a surrogate pair.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut] + "…";
    }

    /// <summary>Splits long text into chunks of at most <paramref name="max"/>, preferring line breaks, then spaces.</summary>
    public static IEnumerable<string> Split(string text, int max)
    {
        while (text.Length > max)
        {
            var cut = text.LastIndexOf('\n', max - 1, max / 2);
            if (cut <= 0)
            {
                cut = text.LastIndexOf(' ', max - 1, max / 2);
            }

            if (cut <= 0)
            {
                cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
            }

            yield return text[..cut];
            text = text[cut..].TrimStart('\n', ' ');
        }

        if (text.Length > 0)
        {
            yield return text;
        }
    }
}
