using GovernanceBot.Conversation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Tests.Conversation;

public sealed class InboxOptionsTests
{
    private static InboxOptions Read(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection().AddConversation(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<InboxOptions>>().Value;
    }

    [Fact]
    public void TheDefaults_AreAccepted()
    {
        var options = Read();

        Assert.Equal(200, options.BurstRate);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ReceivingWindow);
        Assert.Equal(0.25, options.OverdueShare);
        Assert.Equal(1, Read(("Inbox:OverdueShare", "1")).OverdueShare);
        Assert.Equal(5000, options.MaxHeld);
    }

    [Theory]
    [InlineData("Inbox:BurstRate", "0")]
    [InlineData("Inbox:BurstRate", "-5")]
    [InlineData("Inbox:ReceivingWindow", "00:00:00")]
    public void ABurstRateOrWindowAtZeroOrBelow_IsRefusedWithTheSettingsNamed(string key, string value)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Read((key, value)));

        Assert.Contains("Inbox:BurstRate and Inbox:ReceivingWindow must be above zero.", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    [InlineData("1.5")]
    public void AnOverdueShareOutsideZeroToOne_IsRefusedWithTheSettingNamed(string value)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Read(("Inbox:OverdueShare", value)));

        Assert.Contains("Inbox:OverdueShare must be above 0 and at most 1", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void AMaxHeldAtZeroOrBelow_IsRefusedWithTheSettingNamed(string value)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Read(("Inbox:MaxHeld", value)));

        Assert.Contains("Inbox:MaxHeld must be above zero", refused.Message, StringComparison.Ordinal);
    }
}
