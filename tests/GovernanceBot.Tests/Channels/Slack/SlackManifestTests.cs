using GovernanceBot.Channels.Slack;
using GovernanceBot.Testing;
using YamlDotNet.RepresentationModel;

namespace GovernanceBot.Tests.Channels.Slack;

public sealed class SlackManifestTests
{
    [Fact]
    public void BotScopesTheCodeRequests_EqualTheScopesInTheAppManifest()
    {
        var root = Manifest();
        var bot = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["oauth_config"])["scopes"])["bot"];
        var manifestScopes = bot.Children.Select(n => ((YamlScalarNode)n).Value!).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(manifestScopes, SlackOAuth.BotScopes.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void TheManifest_SubscribesToTheEventsTheBotHandles()
    {
        var root = Manifest();
        var events = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["settings"])["event_subscriptions"])["bot_events"];

        Assert.Equal(["app_home_opened", "app_mention", "app_uninstalled", "message.im", "tokens_revoked"],
            events.Children.Select(n => ((YamlScalarNode)n).Value!).Order(StringComparer.Ordinal));
    }

    private static YamlMappingNode Manifest()
    {
        var yaml = new YamlStream();
        using var reader = File.OpenText(RepoPaths.Combine("infra", "slack", "manifest.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
