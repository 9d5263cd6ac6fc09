using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace GovernanceBot.Channels.Teams;

/// <summary>What the connector answered: a value, or the failure as the platform described it.</summary>
public sealed record ConnectorResponse<T>(T? Value, HttpStatusCode? Status, string? ErrorCode = null, string? ErrorMessage = null, TimeSpan? RetryAfter = null)
{
    public bool Succeeded => Status is { } s && (int)s is >= 200 and < 300;

    /// <summary>The outbox's view: sent, worth retrying later, or never going to work.</summary>
    public SendResult ToSendResult(Func<T?, string?> messageId)
    {
        if (Succeeded)
        {
            return SendResult.Sent(messageId(Value));
        }

        var reason = ErrorCode is null ? $"HTTP {(int?)Status}" : $"{ErrorCode}: {ErrorMessage}";
        return Status is null or HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestTimeout
            || (int)Status >= 500
            ? SendResult.Transient(Status is null ? ErrorMessage ?? "no answer" : reason, RetryAfter)
            : SendResult.Permanent(reason);
    }
}

/// <summary>
/// The Bot Connector REST API (A3). Every call goes to the conversation's own serviceUrl and only
/// there carries the bot's token. Retries, timeouts and the circuit breaker sit in the HttpClient's
/// resilience handler; what is left after them comes back as a <see cref="ConnectorResponse{T}"/>.
/// In development mode the serviceUrl comes from an unauthenticated request, so only loopback
/// connectors (the Agents Playground) are called: anything else would let the request's author
/// make the bot send wherever they like.
/// </summary>
public sealed class BotConnectorClient(IHttpClientFactory httpClients, BotTokenProvider tokens, BotMode mode, ILogger<BotConnectorClient> logger)
{
    internal const string HttpClientName = "teams-connector";

    /// <summary>The error code Teams gives when a user blocked or uninstalled the bot.</summary>
    public const string MessageWritesBlocked = "MessageWritesBlocked";

    /// <summary>The error code of a call that was never made because the bot could not get its token.</summary>
    public const string TokenUnavailable = "TokenUnavailable";

    /// <summary>The error code of a call that was never made: development mode calls loopback connectors only.</summary>
    public const string NotLoopback = "ServiceUrlNotLoopback";

    public Task<ConnectorResponse<ResourceResponse>> SendAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", activity, TeamsJson.Default.ResourceResponse, cancellationToken);

    public Task<ConnectorResponse<ResourceResponse>> ReplyAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", activity, TeamsJson.Default.ResourceResponse, cancellationToken);

    public Task<ConnectorResponse<ResourceResponse>> UpdateAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Put, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", activity with { Id = activityId }, TeamsJson.Default.ResourceResponse, cancellationToken);

    public Task<ConnectorResponse<ResourceResponse>> DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken) =>
        CallAsync<ResourceResponse>(HttpMethod.Delete, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", null, null, cancellationToken);

    public Task<ConnectorResponse<ConversationResourceResponse>> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Post, serviceUrl, "v3/conversations", parameters, TeamsJson.Default.ConversationResourceResponse, cancellationToken);

    /// <summary>One member with e-mail and UPN (the way to link a Teams user to a stakeholder).</summary>
    public Task<ConnectorResponse<ChannelAccount>> GetMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken cancellationToken) =>
        CallAsync<ChannelAccount>(HttpMethod.Get, serviceUrl, $"v3/conversations/{Escape(conversationId)}/members/{Escape(memberId)}", null, TeamsJson.Default.ChannelAccount, cancellationToken);

    public Task<ConnectorResponse<PagedMembersResult>> GetPagedMembersAsync(string serviceUrl, string conversationId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var query = $"?pageSize={pageSize}" + (continuationToken is null ? string.Empty : $"&continuationToken={Uri.EscapeDataString(continuationToken)}");
        return CallAsync<PagedMembersResult>(HttpMethod.Get, serviceUrl, $"v3/conversations/{Escape(conversationId)}/pagedmembers{query}", null, TeamsJson.Default.PagedMembersResult, cancellationToken);
    }

    /// <summary>Every member of a team or chat, page by page (a roster of thousands stays bounded per call).</summary>
    public async IAsyncEnumerable<ChannelAccount> GetAllMembersAsync(string serviceUrl, string conversationId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            var page = await GetPagedMembersAsync(serviceUrl, conversationId, 500, continuation, cancellationToken);
            if (!page.Succeeded || page.Value is null)
            {
                throw new HttpRequestException($"Listing the members of {conversationId} failed: {page.ErrorCode ?? page.Status?.ToString()}");
            }

            foreach (var member in page.Value.Members ?? [])
            {
                yield return member;
            }

            continuation = string.IsNullOrEmpty(page.Value.ContinuationToken) ? null : page.Value.ContinuationToken;
        }
        while (continuation is not null);
    }

    private async Task<ConnectorResponse<TResult>> CallAsync<TResult>(
        HttpMethod method, string serviceUrl, string path, object? body, JsonTypeInfo<TResult>? resultType, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(serviceUrl.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("https" or "http"))
        {
            return new(default, HttpStatusCode.BadRequest, "BadServiceUrl", "The conversation has no usable serviceUrl.");
        }

        if (mode.IsDevelopment && !DevelopmentLoopback.IsLoopbackHost(baseUri.Host))
        {
            Log.TeamsConnectorNotLoopback(logger, method.Method, baseUri.Host);
            return new(default, HttpStatusCode.Forbidden, NotLoopback, "Development mode calls only Bot Connectors on this machine (a loopback serviceUrl).");
        }

        var uri = new Uri(baseUri, path);
        using var request = new HttpRequestMessage(method, uri);
        request.Content = body switch
        {
            Activity a => JsonContent.Create(a, TeamsJson.Default.Activity),
            ConversationParameters p => JsonContent.Create(p, TeamsJson.Default.ConversationParameters),
            _ => null,
        };

        try
        {
            // The token only ever travels to the host the conversation named (the path is escaped, so it cannot leave it).
            if (string.Equals(uri.Host, baseUri.Host, StringComparison.OrdinalIgnoreCase)
                && await tokens.GetTokenAsync(cancellationToken) is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TimeoutRejectedException or BrokenCircuitException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Nothing was sent: worth trying again later (a token endpoint outage, or a secret being rotated).
            return new(default, null, TokenUnavailable, $"no token for the Bot Connector: {ex.Message}");
        }

        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var value = resultType is null || response.Content.Headers.ContentLength == 0
                    ? default
                    : await ReadOrDefaultAsync(response, resultType, cancellationToken);
                return new(value, response.StatusCode);
            }

            var error = await ReadOrDefaultAsync(response, TeamsJson.Default.ConnectorErrorBody, cancellationToken);
            var correlation = response.Headers.TryGetValues("X-Correlating-OperationId", out var ids) ? ids.FirstOrDefault() : null;
            Log.TeamsConnectorFailed(logger, method.Method, uri.Host, (int)response.StatusCode, error?.Error?.Code, correlation);
            return new(default, response.StatusCode, error?.Error?.Code, error?.Error?.Message, RetryAfterOf(response));
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.TeamsConnectorUnreachable(logger, method.Method, uri.Host, ex.GetType().Name);
            return new(default, null, null, ex is BrokenCircuitException ? "the connector's circuit is open" : "the connector did not answer");
        }
    }

    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static async Task<T?> ReadOrDefaultAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
