using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GovernanceBot.Channels.Teams;

/// <summary>Activity types the bot acts on (A4); any other type is acknowledged and ignored.</summary>
public static class ActivityTypes
{
    public const string Message = "message";
    public const string ConversationUpdate = "conversationUpdate";
    public const string InstallationUpdate = "installationUpdate";
    public const string Invoke = "invoke";
}

/// <summary>
/// A Bot Framework activity, inbound or outbound: only the fields GovernanceBot reads or writes.
/// Unknown fields are ignored on the way in and never written on the way out.
/// </summary>
public sealed record Activity
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public string? ChannelId { get; init; }
    public string? ServiceUrl { get; init; }
    public ChannelAccount? From { get; init; }
    public ChannelAccount? Recipient { get; init; }
    public ConversationAccount? Conversation { get; init; }
    public string? Text { get; init; }
    public string? TextFormat { get; init; }
    public string? Summary { get; init; }
    public string? Locale { get; init; }
    public string? Name { get; init; }
    /// <summary>installationUpdate: <c>add</c>, <c>add-upgrade</c>, <c>remove</c>, <c>remove-upgrade</c>.</summary>
    public string? Action { get; init; }
    public string? ReplyToId { get; init; }
    public JsonNode? Value { get; init; }
    public IReadOnlyList<Attachment>? Attachments { get; init; }
    public IReadOnlyList<Entity>? Entities { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersRemoved { get; init; }
    public JsonObject? ChannelData { get; init; }

    /// <summary>
    /// The Teams tenant: <c>conversation.tenantId</c> only. <c>channelData</c> is free-form and not
    /// what the platform vouches for, so it never names the tenant.
    /// </summary>
    [JsonIgnore]
    public string? TenantId => Conversation?.TenantId;

    /// <summary>A string found by walking objects, or null when anything on the way is missing or not a string.</summary>
    internal static string? StringAt(JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            node = node is JsonObject obj ? obj[name] : null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }
}

/// <summary>A user or bot on the channel (users <c>29:…</c>, bots <c>28:…</c>).</summary>
public sealed record ChannelAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? AadObjectId { get; init; }
    /// <summary>Only in member lookups (GET members).</summary>
    public string? Email { get; init; }
    /// <summary>Only in member lookups (GET members).</summary>
    public string? UserPrincipalName { get; init; }
    public string? Role { get; init; }
    /// <summary>Only in member lookups: <c>user</c>, <c>guest</c> (an Entra B2B guest) or <c>anonymous</c>.</summary>
    public string? UserRole { get; init; }
    /// <summary>Only in member lookups: the user's home tenant (another one for a shared-channel user of another organisation).</summary>
    public string? TenantId { get; init; }
}

public sealed record ConversationAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    /// <summary><c>personal</c>, <c>groupChat</c> or <c>channel</c>.</summary>
    public string? ConversationType { get; init; }
    public string? TenantId { get; init; }
    public bool? IsGroup { get; init; }
}

public sealed record Attachment(string ContentType, JsonNode? Content);

/// <summary>An activity entity; mentions carry <c>mentioned</c> and the <c>&lt;at&gt;</c> text.</summary>
public sealed record Entity
{
    public string? Type { get; init; }
    public ChannelAccount? Mentioned { get; init; }
    public string? Text { get; init; }
}

/// <summary>The connector's answer to a send, reply or update.</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>POST /v3/conversations: a proactive 1:1 or a new channel thread.</summary>
public sealed record ConversationParameters
{
    public bool IsGroup { get; init; }
    public ChannelAccount? Bot { get; init; }
    public IReadOnlyList<ChannelAccount>? Members { get; init; }
    public string? TenantId { get; init; }
    public Activity? Activity { get; init; }
    public JsonObject? ChannelData { get; init; }
}

public sealed record ConversationResourceResponse(string? Id, string? ActivityId, string? ServiceUrl);

public sealed record PagedMembersResult(IReadOnlyList<ChannelAccount>? Members, string? ContinuationToken);

/// <summary>The connector's error body: <c>{"error":{"code","message"}}</c>.</summary>
public sealed record ConnectorErrorBody(ConnectorError? Error);

public sealed record ConnectorError(string? Code, string? Message);

/// <summary>The HTTP body of an invoke response (A5): exactly this object, not wrapped.</summary>
public sealed record InvokeResponseBody(int StatusCode, string Type, JsonNode? Value);

public static class InvokeContentTypes
{
    public const string AdaptiveCard = "application/vnd.microsoft.card.adaptive";
    public const string Message = "application/vnd.microsoft.activity.message";
    public const string Error = "application/vnd.microsoft.error";
}

internal sealed record TokenResponse(
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("access_token")] string? AccessToken);

internal sealed record OpenIdMetadata([property: JsonPropertyName("jwks_uri")] string? JwksUri);

internal sealed record KeySetDocument([property: JsonPropertyName("keys")] IReadOnlyList<KeyEndorsements>? Keys);

internal sealed record KeyEndorsements(
    [property: JsonPropertyName("kid")] string? Kid,
    [property: JsonPropertyName("endorsements")] IReadOnlyList<string>? Endorsements);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(ResourceResponse))]
[JsonSerializable(typeof(ConversationParameters))]
[JsonSerializable(typeof(ConversationResourceResponse))]
[JsonSerializable(typeof(ChannelAccount))]
[JsonSerializable(typeof(PagedMembersResult))]
[JsonSerializable(typeof(ConnectorErrorBody))]
[JsonSerializable(typeof(InvokeResponseBody))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OpenIdMetadata))]
[JsonSerializable(typeof(KeySetDocument))]
internal sealed partial class TeamsJson : JsonSerializerContext;
