using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// A Web API call that did not succeed: Slack's <c>ok:false</c> error code, or <c>ratelimited</c>,
/// <c>http_5xx</c>, <c>timeout</c>, <c>connection_failed</c> once the retries are spent.
/// </summary>
public sealed class SlackApiException(string method, string error, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"Slack {method} failed: {error}", inner)
{
    /// <summary>Errors that will not go away by retrying the same call.</summary>
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
        "timeout", "connection_failed", "http_500", "http_502", "http_503", "http_504",
    };

    public string Method { get; } = method;

    public string Error { get; } = error;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>
    /// True for errors that need a person to act (<c>channel_not_found</c>, <c>not_in_channel</c>,
    /// <c>account_inactive</c>, <c>invalid_auth</c>, <c>token_revoked</c>, bad blocks, …).
    /// </summary>
    public bool IsPermanent => !Transient.Contains(Error);
}

/// <summary>
/// The Slack Web API methods the bot uses (B5). Requests go through the <c>slack</c> resilience
/// pipeline: 429 (honouring <c>Retry-After</c>), 5xx and timeouts are retried there; what is left
/// surfaces as <see cref="SlackApiException"/>.
/// </summary>
public sealed class SlackApiClient(HttpClient http, IOptions<SlackOptions> options)
{
    public Task<ChatMessageResponse> PostMessageAsync(string token, ChatPostMessageRequest request, CancellationToken cancellationToken) =>
        CallJsonAsync("chat.postMessage", token, request, SlackJson.Default.ChatPostMessageRequest, SlackJson.Default.ChatMessageResponse, cancellationToken);

    public Task<ChatMessageResponse> UpdateAsync(string token, ChatUpdateRequest request, CancellationToken cancellationToken) =>
        CallJsonAsync("chat.update", token, request, SlackJson.Default.ChatUpdateRequest, SlackJson.Default.ChatMessageResponse, cancellationToken);

    public Task<ChatMessageResponse> PostEphemeralAsync(string token, ChatPostEphemeralRequest request, CancellationToken cancellationToken) =>
        CallJsonAsync("chat.postEphemeral", token, request, SlackJson.Default.ChatPostEphemeralRequest, SlackJson.Default.ChatMessageResponse, cancellationToken);

    public Task<ConversationsOpenResponse> OpenDirectAsync(string token, string userId, CancellationToken cancellationToken) =>
        CallJsonAsync("conversations.open", token, new ConversationsOpenRequest(userId), SlackJson.Default.ConversationsOpenRequest, SlackJson.Default.ConversationsOpenResponse, cancellationToken);

    /// <summary>One page of a conversation's messages since <paramref name="oldest"/>, with their metadata.</summary>
    public Task<ConversationsHistoryResponse> HistoryAsync(string token, string channel, string oldest, string? cursor, CancellationToken cancellationToken) =>
        CallFormAsync("conversations.history", token,
            [new("channel", channel), new("oldest", oldest), new("inclusive", "true"), new("limit", "200"), new("include_all_metadata", "true"), new("cursor", cursor ?? string.Empty)],
            SlackJson.Default.ConversationsHistoryResponse, cancellationToken);

    public Task<ViewsOpenResponse> OpenViewAsync(string token, string triggerId, JsonObject view, CancellationToken cancellationToken) =>
        CallJsonAsync("views.open", token, new ViewsOpenRequest(triggerId, view), SlackJson.Default.ViewsOpenRequest, SlackJson.Default.ViewsOpenResponse, cancellationToken);

    /// <summary>Replaces what a person sees on the app's Home tab (Tier 4).</summary>
    public Task<ViewsOpenResponse> PublishViewAsync(string token, string userId, JsonObject view, CancellationToken cancellationToken) =>
        CallJsonAsync("views.publish", token, new ViewsPublishRequest(userId, view), SlackJson.Default.ViewsPublishRequest, SlackJson.Default.ViewsOpenResponse, cancellationToken);

    public Task<UsersInfoResponse> GetUserAsync(string token, string userId, CancellationToken cancellationToken) =>
        CallFormAsync("users.info", token, [new("user", userId)], SlackJson.Default.UsersInfoResponse, cancellationToken);

    public Task<UsersInfoResponse> LookupUserByEmailAsync(string token, string email, CancellationToken cancellationToken) =>
        CallFormAsync("users.lookupByEmail", token, [new("email", email)], SlackJson.Default.UsersInfoResponse, cancellationToken);

    public Task<AuthTestResponse> AuthTestAsync(string token, CancellationToken cancellationToken) =>
        CallFormAsync("auth.test", token, [], SlackJson.Default.AuthTestResponse, cancellationToken);

    /// <summary>Exchanges an install's <c>code</c> for the workspace's bot token (client credentials in the form, no bearer).</summary>
    public Task<OAuthV2AccessResponse> OAuthAccessAsync(string clientId, string clientSecret, string code, Uri redirectUri, CancellationToken cancellationToken) =>
        CallFormAsync("oauth.v2.access", null,
            [new("client_id", clientId), new("client_secret", clientSecret), new("code", code), new("redirect_uri", redirectUri.ToString())],
            SlackJson.Default.OAuthV2AccessResponse, cancellationToken);

    /// <summary>Starts a file upload (B5, Tier 4): the URL to send <paramref name="length"/> bytes to, and the file's id.</summary>
    public Task<FilesUploadUrlResponse> GetUploadUrlAsync(string token, string fileName, int length, CancellationToken cancellationToken) =>
        CallFormAsync("files.getUploadURLExternal", token, [new("filename", fileName), new("length", length.ToString(CultureInfo.InvariantCulture))],
            SlackJson.Default.FilesUploadUrlResponse, cancellationToken);

    /// <summary>
    /// Sends a file's bytes to the upload URL <see cref="GetUploadUrlAsync"/> gave. Only Slack's files
    /// host (or the configured API host, for tests) is called, so an answer can never send the bot elsewhere.
    /// </summary>
    public async Task UploadAsync(Uri uploadUrl, byte[] bytes, string contentType, CancellationToken cancellationToken)
    {
        if (!IsAllowedUploadUrl(uploadUrl))
        {
            throw new SlackApiException("upload_url", "upload_url_not_allowed");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, uploadUrl) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await SendAsync("upload_url", request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new SlackApiException("upload_url", "ratelimited", RetryAfter(response));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new SlackApiException("upload_url", $"http_{(int)response.StatusCode}");
        }
    }

    /// <summary>Finishes an upload: shares the file into a conversation with its comment.</summary>
    public Task<FilesCompleteUploadResponse> CompleteUploadAsync(string token, FilesCompleteUploadRequest request, CancellationToken cancellationToken) =>
        CallJsonAsync("files.completeUploadExternal", token, request, SlackJson.Default.FilesCompleteUploadRequest, SlackJson.Default.FilesCompleteUploadResponse, cancellationToken);

    internal bool IsAllowedUploadUrl(Uri url) =>
        url.IsAbsoluteUri
        && ((url.Scheme == Uri.UriSchemeHttps && url.Host.Equals("files.slack.com", StringComparison.OrdinalIgnoreCase))
            || (url.Scheme == options.Value.ApiBaseUrl.Scheme && string.Equals(url.Authority, options.Value.ApiBaseUrl.Authority, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Posts to an interaction's <c>response_url</c>. Only Slack's hooks host (or the configured API
    /// host, for tests) is called, so a URL in a payload can never send the bot elsewhere.
    /// </summary>
    public async Task PostToResponseUrlAsync(Uri responseUrl, ResponseUrlMessage message, CancellationToken cancellationToken)
    {
        if (!IsAllowedResponseUrl(responseUrl))
        {
            throw new SlackApiException("response_url", "response_url_not_allowed");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, responseUrl)
        {
            Content = JsonContent.Create(message, SlackJson.Default.ResponseUrlMessage),
        };
        using var response = await SendAsync("response_url", request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new SlackApiException("response_url", $"http_{(int)response.StatusCode}");
        }
    }

    internal bool IsAllowedResponseUrl(Uri url) =>
        url.IsAbsoluteUri
        && ((url.Scheme == Uri.UriSchemeHttps && url.Host.Equals("hooks.slack.com", StringComparison.OrdinalIgnoreCase))
            || (url.Scheme == options.Value.ApiBaseUrl.Scheme && string.Equals(url.Authority, options.Value.ApiBaseUrl.Authority, StringComparison.OrdinalIgnoreCase)));

    private Task<TResponse> CallJsonAsync<TRequest, TResponse>(
        string method, string token, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : SlackApiResponse =>
        CallAsync(method, token, JsonContent.Create(body, requestType), responseType, cancellationToken);

    private Task<TResponse> CallFormAsync<TResponse>(
        string method, string? token, IEnumerable<KeyValuePair<string, string>> fields, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : SlackApiResponse =>
        CallAsync(method, token, new FormUrlEncodedContent(fields), responseType, cancellationToken);

    private async Task<TResponse> CallAsync<TResponse>(string method, string? token, HttpContent content, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : SlackApiResponse
    {
        var baseUrl = options.Value.ApiBaseUrl;
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(root, method)) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await SendAsync(method, request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new SlackApiException(method, "ratelimited", RetryAfter(response));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new SlackApiException(method, $"http_{(int)response.StatusCode}");
        }

        TResponse? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync(responseType, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new SlackApiException(method, "invalid_response", inner: ex);
        }

        if (body is null)
        {
            throw new SlackApiException(method, "invalid_response");
        }

        return body.Ok ? body : throw new SlackApiException(method, string.IsNullOrEmpty(body.Error) ? "unknown_error" : body.Error);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SlackApiException(method, "timeout", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SlackApiException(method, "connection_failed", inner: ex);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta
        ?? (response.Headers.TryGetValues("Retry-After", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : null);
}
