using System.Collections.Concurrent;
using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Conversation;

/// <summary>
/// The inbox on both stores: stored before acknowledged, each key once, runs in order per
/// conversation, retries with back-off and then fails with its reason, and keeps nothing forever.
/// Items come through a scripted channel whose payload is the text a person typed.
/// </summary>
public sealed class InboxTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnItem_IsStoredAndRunOnce_ItsRedeliveryWhileRunningIsNotRunAgain_AndAfterwardsGetsTheStoredAnswer(StoreKind kind)
    {
        var channel = new ScriptedChannel();
        await using var bot = await StartAsync(kind, channel);
        channel.Hold = new SemaphoreSlim(0);

        var first = await AdmitAsync(bot, "key-1", "help");
        var whileRunning = await AdmitAsync(bot, "key-1", "help");
        Assert.Equal(AdmissionKind.New, first.Kind);
        Assert.Equal(AdmissionKind.Running, whileRunning.Kind);
        Assert.Null(whileRunning.Work);

        // Run within the request, as a Teams invoke is: the answer is stored for a redelivery.
        channel.Answer = "{\"statusCode\":200}";
        channel.Hold.Release();
        Assert.Equal("{\"statusCode\":200}", await Runner(bot).RunNowAsync(first.Work!));
        var afterwards = await AdmitAsync(bot, "key-1", "help");

        Assert.Equal(AdmissionKind.Done, afterwards.Kind);
        Assert.Equal("{\"statusCode\":200}", afterwards.Response);
        Assert.Equal(1, channel.Runs);
        // The key is per platform.
        Assert.Equal(AdmissionKind.New, (await Inbox(bot).AdmitAsync(new InboundItem("other", "key-1", "text", "c", "help"), CancellationToken.None)).Kind);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ManyItemsArrivingTogether_AreStoredInOneCommit_EachGetsItsOwnAnswer_AndDuplicatesInTheSameBatchAreNotStoredTwice(StoreKind kind)
    {
        await using var bot = await StartAsync(kind, new ScriptedChannel());

        var admissions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            AdmitAsync(bot, $"burst-{i % 150}", "help", conversation: $"c-{i % 7}")));

        Assert.Equal(150, admissions.Count(a => a.Kind == AdmissionKind.New));
        Assert.Equal(50, admissions.Count(a => a.Kind == AdmissionKind.Running));
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(150, await db.InboundEvents.CountAsync());
        Assert.All(await db.InboundEvents.ToListAsync(), e => Assert.Equal("help", e.PayloadJson));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TurnsOfOneConversation_RunInArrivalOrder_WhileAnotherConversationIsNotHeldUpByASlowOne(StoreKind kind)
    {
        var channel = new ScriptedChannel();
        await using var bot = await StartAsync(kind, channel);
        channel.SlowText = "slow";
        channel.Hold = new SemaphoreSlim(0);

        foreach (var (key, text, conversation) in new[] { ("o-1", "slow", "a"), ("o-2", "second", "a"), ("o-3", "third", "a"), ("o-4", "elsewhere", "b") })
        {
            Runner(bot).Enqueue((await AdmitAsync(bot, key, text, conversation)).Work!);
        }

        await Poll.UntilAsync(() => Task.FromResult(channel.Order.Contains("elsewhere")), TimeSpan.FromSeconds(20), () => "the other conversation waited for the slow one");
        Assert.DoesNotContain("second", channel.Order);
        channel.Hold.Release();
        await bot.IdleAsync();

        Assert.Equal(["slow", "second", "third"], channel.Order.Where(t => t != "elsewhere").ToList());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task WhileRequestsKeepArriving_OneTurnWorksAtATime_AndOnceTheyStopTheStoredOnesAreAnsweredInParallel(StoreKind kind)
    {
        var channel = new ScriptedChannel { WorkFor = TimeSpan.FromMilliseconds(40) };
        // A burst is more than one request a second over the last second (so the four first requests, sent together,
        // are one), and a turn counts as working for ten: long enough that a loaded test machine's pauses neither end
        // the burst nor make a 40 ms turn look slow.
        await using var bot = await StartAsync(kind, channel, settings: new Dictionary<string, string?>
        {
            ["Inbox:TurnsWhileReceiving"] = "1",
            ["Inbox:BurstRate"] = "1",
            ["Inbox:ReceivingWindow"] = "00:00:01",
            ["Inbox:SlowTurn"] = "00:00:10",
        });

        // A stream of requests from 60 conversations over four connections, as a burst of DMs arrives.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async connection =>
        {
            for (var i = connection; i < 60; i += 4)
            {
                Runner(bot).Enqueue((await AdmitAsync(bot, $"burst-{i}", $"burst {i}", $"p{i}")).Work!);
                await Task.Delay(5);
            }
        }));

        var duringBurst = channel.MostAtOnce;
        await bot.IdleAsync();

        Assert.Equal(1, duringBurst);
        // Those still stored when the burst ended ran together.
        Assert.True(channel.MostAtOnce > 1, "the turns stored during the burst ran one by one after it");
        Assert.Equal(60, channel.Runs);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task WhileABurstNeverPauses_NoTurnRunsAtFirst_AndEachRunsOnceItHasWaitedTheLongestDelay_OneAtATime_RestingBetweenThem(StoreKind kind)
    {
        // Turns of 40 ms, so the rest after each (three times that) is well beyond the stream's own spacing.
        var channel = new ScriptedChannel { WorkFor = TimeSpan.FromMilliseconds(40) };
        // The default: no turn during a burst. The window is long so a loaded machine's pauses don't end it,
        // and the burst rate low (one a second) so this test's stream is one from its second request, even on a
        // loaded machine where it slows to a dozen a second.
        await using var bot = await StartAsync(kind, channel, settings: new Dictionary<string, string?>
        {
            ["Inbox:BurstRate"] = "1",
            ["Inbox:ReceivingWindow"] = "00:00:01",
            ["Inbox:MaxAnswerDelay"] = "00:00:01.500",
        });

        // Warm up first (a cold store connection can take longer than the window): one item, answered.
        Runner(bot).Enqueue((await AdmitAsync(bot, "warm-up", "warm up", "w")).Work!);
        await bot.IdleAsync();
        var warmUp = channel.Runs;

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var streamStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var sent = 0;
        int? runsAtHalfASecond = null;
        int? runsAtOneSecond = null;
        while (watch.Elapsed < TimeSpan.FromSeconds(3.5))
        {
            Runner(bot).Enqueue((await AdmitAsync(bot, $"stream-{sent}", $"stream {sent}", $"s{sent % 40}")).Work!);
            sent++;
            await Task.Delay(20);
            if (runsAtHalfASecond is null && watch.Elapsed >= TimeSpan.FromSeconds(0.5))
            {
                // The first requests, before their rate showed a burst, were answered at once; from here on it is one.
                runsAtHalfASecond = channel.Runs;
                channel.ResetMostAtOnce();
            }

            if (runsAtOneSecond is null && watch.Elapsed >= TimeSpan.FromSeconds(1))
            {
                runsAtOneSecond = channel.Runs;
            }
        }

        var runsDuringStream = channel.Runs - runsAtOneSecond;
        var mostAtOnceDuringStream = channel.MostAtOnce;
        var streamEnded = System.Diagnostics.Stopwatch.GetTimestamp();
        var overdue = channel.Worked.Where(w => w.Began >= streamStarted + System.Diagnostics.Stopwatch.Frequency && w.Ended <= streamEnded).OrderBy(w => w.Began).ToList();
        await bot.IdleAsync();

        Assert.Equal(runsAtHalfASecond, runsAtOneSecond);
        Assert.True(runsDuringStream > 0, "nothing was answered while the stream went on");
        // Forty conversations had overdue turns, and they ran one at a time: the acknowledgements went on beside them.
        // (Forty, not fewer: the outbox then sends each conversation's answers a second apart, as the platforms allow.)
        Assert.Equal(1, mostAtOnceDuringStream);
        // And not back to back: after each, a rest three times as long as it worked (Inbox:OverdueShare, a quarter
        // of the time by default), so they took no more than a quarter of a core.
        Assert.True(overdue.Count >= 2, $"{overdue.Count} overdue turns ran while the stream went on");
        foreach (var (before, after) in overdue.Zip(overdue.Skip(1)))
        {
            var worked = before.Ended - before.Began;
            var rested = after.Began - before.Ended;
            Assert.True(rested >= 3 * worked, $"an overdue turn rested {rested * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms after working {worked * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms");
        }

        Assert.Equal(sent, channel.Runs - warmUp);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task BeyondMaxHeld_NewItemsAreStoredUnleased_AndEachRunsOnceThereIsRoom_InArrivalOrder_ButOneThatAnswersItsRequestIsHandedOver(StoreKind kind)
    {
        var channel = new ScriptedChannel { Hold = new SemaphoreSlim(0) };
        // No poll for a minute: what waits in the store is taken because room was made, not by the clock.
        await using var bot = await StartAsync(kind, channel, settings: new Dictionary<string, string?>
        {
            ["Inbox:MaxHeld"] = "4",
            ["Inbox:PollInterval"] = "00:01:00",
        });

        // Twelve messages in two conversations, each handed to the runner as a channel does; every turn waits.
        // (Their rows are not checked here: the poll the runner makes as the host starts may still be under way,
        // and may take some of those stored unleased, as another instance may.)
        var admissions = new List<Admission>();
        for (var i = 0; i < 12; i++)
        {
            var admission = await AdmitAsync(bot, $"held-{i}", $"m {i}", $"c{i % 2}");
            admissions.Add(admission);
            if (admission.Work is { } work)
            {
                Runner(bot).Enqueue(work);
            }
        }

        Assert.All(admissions, a => Assert.Equal(AdmissionKind.New, a.Kind));
        Assert.Equal(4, admissions.Count(a => a.ToRun));
        Assert.All(admissions.Skip(4), a => Assert.Null(a.Work));

        // A card action (answered in its own request) is handed over all the same, beyond the limit.
        var invoke = await Inbox(bot).AdmitAsync(new InboundItem(ChannelNames.Local, "invoke-1", "text", "local:c9", "now", AnswersInRequest: true), CancellationToken.None);
        Assert.NotNull(invoke.Work);
        var answer = Runner(bot).RunNowAsync(invoke.Work);

        channel.Hold.Release(100);
        await answer;
        await Poll.UntilAsync(() => Task.FromResult(channel.Runs == 13), TimeSpan.FromSeconds(30), () => $"{channel.Runs} of 13 ran");
        await bot.IdleAsync();

        var order = channel.Order.ToList();
        Assert.Equal([.. Enumerable.Range(0, 6).Select(i => $"m {2 * i}")], order.Where(t => t.StartsWith("m ", StringComparison.Ordinal) && int.Parse(t[2..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0));
        Assert.Equal([.. Enumerable.Range(0, 6).Select(i => $"m {(2 * i) + 1}")], order.Where(t => t.StartsWith("m ", StringComparison.Ordinal) && int.Parse(t[2..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1));
        await using var check = await bot.Store.OpenAsync();
        Assert.Equal(13, await check.InboundEvents.CountAsync(e => e.Status == InboundStatus.Processed));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AStreamSlowerThanTheBurstRate_IsAnsweredAsItArrives_NotAfterTheLongestDelay(StoreKind kind)
    {
        var channel = new ScriptedChannel();
        // The default burst rate (200 a second); an answer held back would wait the whole minute.
        await using var bot = await StartAsync(kind, channel, settings: new Dictionary<string, string?>
        {
            ["Inbox:ReceivingWindow"] = "00:00:01",
            ["Inbox:MaxAnswerDelay"] = "00:01:00",
        });

        // About twenty a second for two seconds, as a check-in round's answers come in: never a pause of a second.
        var sent = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(2))
        {
            Runner(bot).Enqueue((await AdmitAsync(bot, $"steady-{sent}", $"steady {sent}", $"c{sent % 5}")).Work!);
            sent++;
            await Task.Delay(50);
        }

        var runsDuringStream = channel.Runs;
        await bot.IdleAsync();

        Assert.True(runsDuringStream >= sent / 2, $"{runsDuringStream} of {sent} were answered while the stream went on");
        Assert.Equal(sent, channel.Runs);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task WhileRequestsKeepArriving_ATurnWaitingOnSomethingSlow_DoesNotHoldUpTheOthers(StoreKind kind)
    {
        var channel = new ScriptedChannel { SlowText = "slow", Hold = new SemaphoreSlim(0) };
        await using var bot = await StartAsync(kind, channel, settings: new Dictionary<string, string?>
        {
            ["Inbox:TurnsWhileReceiving"] = "1",
            // This test's stream (tens a second) is a burst.
            ["Inbox:BurstRate"] = "10",
            ["Inbox:PollInterval"] = "00:00:00.100",
        });
        Runner(bot).Enqueue((await AdmitAsync(bot, "slow-1", "slow", "slow")).Work!);

        for (var i = 0; i < 100 && channel.Runs < 20; i++)
        {
            Runner(bot).Enqueue((await AdmitAsync(bot, $"quick-{i}", $"quick {i}", $"q{i}")).Work!);
            await Task.Delay(10);
        }

        Assert.True(channel.Runs >= 20, $"{channel.Runs} quick turns ran while the slow one waited");
        channel.Hold.Release();
        await bot.IdleAsync();
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AHandlerThatThrowsEveryTime_EndsFailedAfterItsRetries_WithItsReason_AndThePersonIsToldOnce(StoreKind kind)
    {
        var channel = new ScriptedChannel();
        var sender = new RecordingSender();
        await using var bot = await StartAsync(kind, channel, sender, routes: r => r.MapCommand<ExplodingHandler>("explode", "explode", "always fails", "test"));

        Runner(bot).Enqueue((await AdmitAsync(bot, "boom", "explode", conversation: "a")).Work!);
        Runner(bot).Enqueue((await AdmitAsync(bot, "fine", "help", conversation: "b")).Work!);
        await bot.IdleAsync();
        for (var attempt = 2; attempt <= 4; attempt++)
        {
            // The back-off is on the bot's clock: move it past the wait, and the poller takes the item again.
            bot.Clock.Advance(TimeSpan.FromMinutes(10));
            Runner(bot).Wake();
            var expected = attempt;
            await Poll.UntilAsync(async () => await StatusAsync(bot, "boom") is var now && (now.Status == InboundStatus.Failed || now.Attempts >= expected),
                TimeSpan.FromSeconds(20), () => $"attempt {expected} did not run");
            await bot.IdleAsync();
        }

        await Poll.UntilAsync(async () => (await StatusAsync(bot, "boom")).Status == InboundStatus.Failed, TimeSpan.FromSeconds(20), () => "the item never failed");
        await bot.IdleAsync();

        var (status, error, attempts) = await StatusAsync(bot, "boom");
        Assert.Equal(InboundStatus.Failed, status);
        Assert.Equal(4, attempts);
        Assert.Contains("InvalidOperationException", error, StringComparison.Ordinal);
        Assert.Contains("the handler always fails", error, StringComparison.Ordinal);
        Assert.Equal(InboundStatus.Processed, (await StatusAsync(bot, "fine")).Status);
        var apologies = sender.Sent.Where(s => s.Conversation.ConversationId == "a").ToList();
        var apology = Assert.Single(apologies);
        Assert.Equal("error", Assert.IsType<CardReply>(apology.Reply).Template);
        Assert.Single(sender.Sent, s => s.Conversation.ConversationId == "b");

        // Delivered again later by the platform: a failed item is run again, from a clean slate.
        var again = await AdmitAsync(bot, "boom", "explode", conversation: "a");
        Assert.Equal(AdmissionKind.Again, again.Kind);
        Assert.Equal(0, again.Work!.Attempts);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnItemWhoseInstanceDied_IsTakenByThePollerOnceItsLeaseLapsed_AndItsRepliesAreNotQueuedTwice(StoreKind kind)
    {
        var channel = new ScriptedChannel();
        var sender = new RecordingSender();
        await using var bot = await StartAsync(kind, channel, sender);
        var admitted = await AdmitAsync(bot, "orphan", "help");
        // Another instance held it and died: its lease is someone else's.
        await using (var db = await bot.Store.OpenAsync())
        {
            await db.InboundEvents.Where(e => e.Id == admitted.Work!.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, "dead-instance"));
        }

        Runner(bot).Wake();
        await Task.Delay(300);
        Assert.Equal(0, channel.Runs);

        bot.Clock.Advance(TimeSpan.FromMinutes(1));
        Runner(bot).Wake();
        await Poll.UntilAsync(async () => (await StatusAsync(bot, "orphan")).Status == InboundStatus.Processed, TimeSpan.FromSeconds(20), () => "the orphan was never run");
        await bot.IdleAsync();

        Assert.Equal(1, channel.Runs);
        Assert.Single(sender.Sent);
        await using var check = await bot.Store.OpenAsync();
        Assert.Single(await check.Outbox.Where(o => o.IdempotencyKey.StartsWith($"inbox:{admitted.Work!.Id}:")).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARedeliveryOfAnItemWhoseLeaseLapsed_IsRunByTheInstanceItReached_Once(StoreKind kind)
    {
        var channel = new ScriptedChannel();
        await using var bot = await StartAsync(kind, channel, settings: new() { ["Inbox:PollInterval"] = "00:10:00" });
        var admitted = await AdmitAsync(bot, "lapsed", "help");
        await using (var db = await bot.Store.OpenAsync())
        {
            await db.InboundEvents.Where(e => e.Id == admitted.Work!.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, "dead-instance"));
        }

        var early = await AdmitAsync(bot, "lapsed", "help");
        bot.Clock.Advance(TimeSpan.FromMinutes(1));
        var late = await AdmitAsync(bot, "lapsed", "help");
        var twice = await AdmitAsync(bot, "lapsed", "help");
        Runner(bot).Enqueue(late.Work!);
        await bot.IdleAsync();

        Assert.Equal(AdmissionKind.Running, early.Kind);
        Assert.Equal(AdmissionKind.Again, late.Kind);
        Assert.Equal(AdmissionKind.Running, twice.Kind);
        Assert.Equal(1, channel.Runs);
        Assert.Equal(InboundStatus.Processed, (await StatusAsync(bot, "lapsed")).Status);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Housekeeping_ForgetsDoneItemsAfterAWeek_AndFailedOnesAfterAMonth_ButNeverOnesNotDone(StoreKind kind)
    {
        // No poller during the test: the item left waiting stays waiting.
        await using var bot = await StartAsync(kind, new ScriptedChannel(), settings: new() { ["Inbox:PollInterval"] = "00:10:00" });
        await AdmitAsync(bot, "done-old", "help");
        await AdmitAsync(bot, "failed-old", "help");
        await AdmitAsync(bot, "failed-recent", "help");
        await AdmitAsync(bot, "waiting-old", "help");
        await using (var db = await bot.Store.OpenAsync())
        {
            await db.InboundEvents.Where(e => e.DedupeKey == "done-old").ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, InboundStatus.Processed));
            await db.InboundEvents.Where(e => e.DedupeKey.StartsWith("failed")).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, InboundStatus.Failed));
        }

        bot.Clock.Advance(TimeSpan.FromDays(8));
        await using (var db = await bot.Store.OpenAsync())
        {
            await db.InboundEvents.Where(e => e.DedupeKey == "failed-recent").ExecuteUpdateAsync(s => s.SetProperty(e => e.ReceivedAt, bot.Clock.GetUtcNow()));
        }

        bot.Clock.Advance(TimeSpan.FromDays(23));
        using (var scope = bot.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<HousekeepingJob>().RunAsync(CancellationToken.None);
        }

        await using var check = await bot.Store.OpenAsync();
        Assert.Equal(["failed-recent", "waiting-old"], await check.InboundEvents.OrderBy(e => e.DedupeKey).Select(e => e.DedupeKey).ToListAsync());
    }

    [Fact]
    public async Task ARequestTheStoreRefuses_GetsA5xxAlone_AndTheRequestsCommittedWithItAreStored()
    {
        // PostgreSQL enforces the key's length (400); SQLite does not. Twenty requests at once, so most
        // are committed together with the one the store refuses.
        await using var bot = await StartAsync(StoreKind.Postgres, new ScriptedChannel());
        var tooLong = new string('k', 500);
        var admissions = Enumerable.Range(0, 20)
            .Select(i => (Key: i == 10 ? tooLong : $"together-{i}", Admission: AdmitAsync(bot, i == 10 ? tooLong : $"together-{i}", $"hello {i}", $"c{i}")))
            .ToList();
        await Task.WhenAll(admissions.Select(a => a.Admission.ContinueWith(_ => { }, TaskScheduler.Default)));

        await Assert.ThrowsAsync<InboxUnavailableException>(() => admissions.Single(a => a.Key == tooLong).Admission);
        Assert.All(admissions.Where(a => a.Key != tooLong), a => Assert.Equal(AdmissionKind.New, a.Admission.Result.Kind));
        await using var check = await bot.Store.OpenAsync();
        Assert.Equal(19, await check.InboundEvents.CountAsync(e => e.DedupeKey.StartsWith("together-")));
        await bot.IdleAsync();
    }

    private static async Task<BotHarness> StartAsync(StoreKind kind, ScriptedChannel channel, RecordingSender? sender = null, Action<Router>? routes = null,
        Dictionary<string, string?>? settings = null)
    {
        var bot = await BotHarness.StartAsync(kind, settings: settings ?? new Dictionary<string, string?> { ["Inbox:PollInterval"] = "00:00:00.100" }, configure: b =>
        {
            b.Services.AddSingleton<IInboundChannel>(channel);
            b.Services.AddSingleton<IChannelSender>(sender ?? new RecordingSender());
            b.Services.AddTransient<ExplodingHandler>();
        });
        routes?.Invoke(bot.Services.GetRequiredService<Router>());
        return bot;
    }

    private static Inbox Inbox(BotHarness bot) => bot.Services.GetRequiredService<Inbox>();

    private static InboxRunner Runner(BotHarness bot) => bot.Services.GetRequiredService<InboxRunner>();

    private static Task<Admission> AdmitAsync(BotHarness bot, string key, string text, string conversation = "c") =>
        Inbox(bot).AdmitAsync(new InboundItem(ChannelNames.Local, key, "text", $"local:{conversation}", text), CancellationToken.None);

    private static async Task<(InboundStatus Status, string? Error, int Attempts)> StatusAsync(BotHarness bot, string key)
    {
        await using var db = await bot.Store.OpenAsync();
        var row = await db.InboundEvents.AsNoTracking().SingleAsync(e => e.DedupeKey == key);
        return (row.Status, row.Error, row.Attempts);
    }

    /// <summary>The local channel: the payload is the text Alex typed, in the conversation named by the key's suffix.</summary>
    private sealed class ScriptedChannel : IInboundChannel
    {
        private int runs;

        public string Channel => ChannelNames.Local;

        public int Runs => Volatile.Read(ref runs);

        public ConcurrentQueue<string> Order { get; } = new();

        public SemaphoreSlim? Hold { get; set; }

        /// <summary>Only turns with this text wait for <see cref="Hold"/> (null: every turn does).</summary>
        public string? SlowText { get; set; }

        public string? Answer { get; set; }

        /// <summary>How long each turn works (its CPU and store time, as far as the runner can tell).</summary>
        public TimeSpan WorkFor { get; set; }

        /// <summary>The most turns seen working at once (since <see cref="ResetMostAtOnce"/>).</summary>
        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        public void ResetMostAtOnce() => Volatile.Write(ref mostAtOnce, Volatile.Read(ref atOnce));

        private int atOnce;
        private int mostAtOnce;

        /// <summary>When each turn began and ended its work (<see cref="System.Diagnostics.Stopwatch"/> timestamps).</summary>
        public ConcurrentQueue<(long Began, long Ended)> Worked { get; } = new();

        public async Task<InboundWork> TranslateAsync(InboxWork item, CancellationToken cancellationToken)
        {
            if (Hold is { } hold && (SlowText is null || SlowText == item.Payload))
            {
                await hold.WaitAsync(cancellationToken);
            }

            var now = Interlocked.Increment(ref atOnce);
            for (var most = Volatile.Read(ref mostAtOnce); now > most; most = Volatile.Read(ref mostAtOnce))
            {
                Interlocked.CompareExchange(ref mostAtOnce, now, most);
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await Task.Delay(WorkFor, cancellationToken);
            Worked.Enqueue((started, System.Diagnostics.Stopwatch.GetTimestamp()));
            Interlocked.Decrement(ref atOnce);
            Interlocked.Increment(ref runs);
            Order.Enqueue(item.Payload!);
            var conversation = BotHarness.DirectChat("alexw@example.com") with { ConversationId = item.ConversationKey["local:".Length..] };
            var user = new ChatUserRef("user-alex", "Alex Wilber", "alexw@example.com");
            var turn = new Turn { Conversation = conversation, User = user, Text = item.Payload, EventId = item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            return new TurnWork(turn, new ReplyRoute(conversation, user),
                Answer is null ? null : (replies, _) => Task.FromResult(new TurnAnswer(Answer, replies)));
        }
    }
}

/// <summary>A handler with a bug: it throws every time.</summary>
internal sealed class ExplodingHandler : ITurnHandler
{
    public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the handler always fails");
}
