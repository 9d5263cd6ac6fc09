using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GovernanceBot.Testing;

/// <summary>
/// The whole bot, composed exactly as in production, on a real store and a real Kestrel bound to
/// 127.0.0.1 on a free port. Conversation tests send text as a given person and read the replies.
/// </summary>
public sealed class BotHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly bool ownsStore;

    private BotHarness(WebApplication app, TestStore store, FakeTimeProvider clock, bool ownsStore)
    {
        this.ownsStore = ownsStore;
        App = app;
        Store = store;
        Clock = clock;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
    }

    public WebApplication App { get; }

    public TestStore Store { get; }

    public FakeTimeProvider Clock { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Starts the bot. With no platform credentials it runs in development mode and loads the Phoenix demo.</summary>
    public static async Task<BotHarness> StartAsync(
        StoreKind kind,
        bool loadDemo = true,
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        DateTimeOffset? now = null,
        TestStore? sharedStore = null,
        FakeTimeProvider? sharedClock = null)
    {
        var store = sharedStore ?? await TestStore.CreateAsync(kind);
        var clock = sharedClock ?? new FakeTimeProvider(now ?? DefaultNow);
        var app = GovernanceBotApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            var values = store.Settings;
            values["Demo:Load"] = loadDemo ? "true" : "false";
            // Tests open check-in rounds themselves (sweeps, checkin run); a demo round would be in the way.
            values["Demo:OpenCheckIn"] = "false";
            // Tests drive sweeps and the outbox explicitly, on the fake clock.
            values["Scheduling:Enabled"] = "false";
            values["Outbox:Dispatch"] = "false";
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(values);
            builder.Services.AddSingleton<TimeProvider>(clock);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new BotHarness(app, store, clock, ownsStore: sharedStore is null);
    }

    /// <summary>
    /// Waits until every inbound item this instance took has run and the outbox has sent what they
    /// queued (the outbox is drained here, since tests do not run it in the background).
    /// </summary>
    public async Task IdleAsync(TimeSpan? timeout = null)
    {
        var runner = Services.GetRequiredService<GovernanceBot.Conversation.InboxRunner>();
        var outbox = Services.GetRequiredService<GovernanceBot.Scheduling.OutboxDispatcher>();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            await runner.WhenIdleAsync().WaitAsync(limit.Token);
            var sent = await outbox.DrainAllAsync(limit.Token);
            if (sent == 0 && runner.WhenIdleAsync().IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Sends text as the person with this e-mail, in a 1:1 chat (or the given conversation).</summary>
    public Task<IReadOnlyList<Reply>> SendAsync(string text, string asEmail = "alexw@example.com", ConversationRef? conversation = null) =>
        Services.GetRequiredService<ConversationEngine>().HandleAsync(Turn(asEmail, conversation) with { Text = text }, CancellationToken.None);

    /// <summary>
    /// Sends text as the person with this e-mail whom the platform calls a member, a guest or
    /// external (<see cref="ChatUserRef.Membership"/>), as a channel passes it right after asking the
    /// platform, in a 1:1 chat (or the given conversation).
    /// </summary>
    public Task<IReadOnlyList<Reply>> SendAsync(string text, string asEmail, Membership membership, ConversationRef? conversation = null) =>
        Services.GetRequiredService<ConversationEngine>().HandleAsync(
            Turn(asEmail, conversation) with { Text = text, User = User(asEmail) with { Membership = membership, MembershipCheckedAt = Clock.GetUtcNow() } }, CancellationToken.None);

    /// <summary>Presses a card button (verb + data) as the person with this e-mail.</summary>
    public Task<IReadOnlyList<Reply>> ActAsync(string verb, JsonObject data, string asEmail = "alexw@example.com", ConversationRef? conversation = null) =>
        Services.GetRequiredService<ConversationEngine>().HandleAsync(Turn(asEmail, conversation) with { Action = new CardAction(verb, data) }, CancellationToken.None);

    /// <summary>Presses a card button as the person with this e-mail whom the platform calls a member, a guest or external.</summary>
    public Task<IReadOnlyList<Reply>> ActAsync(string verb, JsonObject data, string asEmail, Membership membership, ConversationRef? conversation = null) =>
        Services.GetRequiredService<ConversationEngine>().HandleAsync(
            Turn(asEmail, conversation) with { Action = new CardAction(verb, data), User = User(asEmail) with { Membership = membership, MembershipCheckedAt = Clock.GetUtcNow() } }, CancellationToken.None);

    public static ConversationRef DirectChat(string email, string workspace = "demo") =>
        new(ChannelNames.Local, workspace, $"dm-{email}", ConversationKind.Personal);

    public static ConversationRef ChannelChat(string id = "program-channel", string workspace = "demo") =>
        new(ChannelNames.Local, workspace, id, ConversationKind.Channel);

    private Turn Turn(string email, ConversationRef? conversation) => new()
    {
        Conversation = conversation ?? DirectChat(email),
        User = User(email),
        ReceivedAt = Clock.GetUtcNow(),
        EventId = Guid.NewGuid().ToString("N"),
    };

    public static ChatUserRef User(string email) => new($"user-{email}", email.Split('@')[0], email);

    /// <summary>The file a <see cref="FileReply"/> stands for, made now as a channel would make it when handing it over.</summary>
    public Task<FileMade> MakeFileAsync(FileReply reply) =>
        Services.GetRequiredService<FileSources>().MakeAsync(reply.File, CancellationToken.None);

    /// <summary>The text of the file a <see cref="FileReply"/> stands for; fails the test when it is refused.</summary>
    public async Task<string> FileTextAsync(Reply reply)
    {
        var made = await MakeFileAsync(reply.ShouldBeFile());
        Assert.True(made.Content is not null, made.Refusal);
        return System.Text.Encoding.UTF8.GetString(made.Content!.Bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (ownsStore)
        {
            await Store.DisposeAsync();
        }
    }
}

public static class ReplyAssertions
{
    public static CardReply ShouldBeCard(this Reply reply, string template)
    {
        var card = Assert.IsType<CardReply>(reply);
        Assert.Equal(template, card.Template);
        ShouldHaveNoStrippedMoment(card.Data);
        return card;
    }

    /// <summary>
    /// A moment (<see cref="LocalTime"/>) put into a property escaped as user text loses its marker,
    /// and every reader sees "1797094800|Tue 1 Dec 2026, 17:00 \(Europe/London\)" instead of a time
    /// (the gates card, the steering pack). Every card a test looks at is checked for one.
    /// </summary>
    public static void ShouldHaveNoStrippedMoment(JsonNode? data)
    {
        foreach (var text in Strings(data))
        {
            Assert.False(StrippedMoment.IsMatch(text), $"a moment lost its marker (escaped as user text?): \"{text}\"");
        }
    }

    private static readonly System.Text.RegularExpressions.Regex StrippedMoment =
        new(@"(?<![\uF8F0\d])\d{9,11}\|[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Strings(p.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    public static string ShouldBeText(this Reply reply) => Assert.IsType<TextReply>(reply).Body;

    /// <summary>A file for the person who asked: private to them, whatever the conversation.</summary>
    public static FileReply ShouldBeFile(this Reply reply)
    {
        var file = Assert.IsType<FileReply>(reply);
        Assert.Equal(ReplyAudience.Requester, file.Audience);
        return file;
    }
}
