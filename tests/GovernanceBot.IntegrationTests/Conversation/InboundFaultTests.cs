using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GovernanceBot.IntegrationTests.Conversation;

/// <summary>Faults on the way in: a client that gives up on a turn, and a store that goes away for a moment.</summary>
public sealed class InboundFaultTests
{
    [Fact]
    public async Task ATeamsInvokeCutShortByTheClient_FinishesAnyway_AndItsRedeliveryGetsTheSameAnswer_NotAlreadyDone()
    {
        await using var teams = await TeamsBot.StartAsync(extra: new Dictionary<string, string?> { ["Teams:ConnectorAttemptTimeout"] = "00:00:01" });
        // The first connector call of the turn (who is this person?) hangs until the bot gives up on it: a slow turn.
        teams.Framework.Script(new ScriptedAnswer(200, Hang: true));
        var invoke = TestActivities.Invoke(teams.Framework.ServiceUrl, "old.verb", [], id: "invoke-cut-short");

        using (var impatient = new HttpClient { BaseAddress = teams.Http.BaseAddress, Timeout = TimeSpan.FromMilliseconds(300) })
        {
            using var request = Request(invoke, teams.ValidToken());
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.SendAsync(request));
        }

        await Poll.UntilAsync(async () =>
        {
            await using var db = await teams.DbAsync();
            return await db.InboundEvents.AnyAsync(e => e.Status == InboundStatus.Processed);
        }, TimeSpan.FromSeconds(30), () => "the turn did not finish after its client left");

        using var again = await teams.PostAsync(invoke, teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)body["type"]);
        Assert.Contains("no longer act on", (string?)body["value"], StringComparison.Ordinal);
        Assert.DoesNotContain("already done", (string?)body["value"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WhileTheStoreIsAway_RequestsGet503NotA200_AndOnceItIsBackTheyAreAnswered_WithoutARestart()
    {
        await using var teams = await TeamsBot.StartAsync(StoreKind.Postgres);
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        var database = new NpgsqlConnectionStringBuilder(teams.Bot.Store.ConnectionString).Database!;

        await SetConnectionsAsync(teams, database, allowed: false);
        HttpResponseMessage refused;
        try
        {
            refused = await teams.Http.SendAsync(Request(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "while-away"), teams.ValidToken()));
        }
        finally
        {
            await SetConnectionsAsync(teams, database, allowed: true);
        }

        // Not stored, so not acknowledged: the connector sends it again, and now it is answered.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        refused.Dispose();
        using var redelivered = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "while-away"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        var reply = Assert.Single(teams.Framework.Sent("POST"));
        Assert.Equal("help", (string?)reply.Body!["attachments"]![0]!["content"]!["template"]);
    }

    /// <summary>A PostgreSQL restart, for this test's database only: connections refused and the open ones cut.</summary>
    private static async Task SetConnectionsAsync(TeamsBot teams, string database, bool allowed)
    {
        var admin = new NpgsqlConnectionStringBuilder(teams.Bot.Store.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = allowed
            ? $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true"
            : $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'";
        await command.ExecuteNonQueryAsync();
        if (!allowed)
        {
            NpgsqlConnection.ClearAllPools();
        }
    }

    private static HttpRequestMessage Request(JsonObject activity, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
