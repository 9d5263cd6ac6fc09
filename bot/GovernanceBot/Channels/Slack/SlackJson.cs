using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GovernanceBot.Channels.Slack;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(SlackEnvelope))]
[JsonSerializable(typeof(SlackInteraction))]
[JsonSerializable(typeof(SlackViewSubmissionAnswer))]
[JsonSerializable(typeof(SlackInstallState))]
[JsonSerializable(typeof(ChatPostMessageRequest))]
[JsonSerializable(typeof(ChatUpdateRequest))]
[JsonSerializable(typeof(ChatPostEphemeralRequest))]
[JsonSerializable(typeof(ConversationsOpenRequest))]
[JsonSerializable(typeof(FilesCompleteUploadRequest))]
[JsonSerializable(typeof(FilesUploadUrlResponse))]
[JsonSerializable(typeof(FilesCompleteUploadResponse))]
[JsonSerializable(typeof(ViewsOpenRequest))]
[JsonSerializable(typeof(ViewsPublishRequest))]
[JsonSerializable(typeof(ResponseUrlMessage))]
[JsonSerializable(typeof(SlackApiResponse))]
[JsonSerializable(typeof(ChatMessageResponse))]
[JsonSerializable(typeof(ConversationsOpenResponse))]
[JsonSerializable(typeof(ConversationsHistoryResponse))]
[JsonSerializable(typeof(ViewsOpenResponse))]
[JsonSerializable(typeof(UsersInfoResponse))]
[JsonSerializable(typeof(AuthTestResponse))]
[JsonSerializable(typeof(OAuthV2AccessResponse))]
[JsonSerializable(typeof(SlackFormContext))]
[JsonSerializable(typeof(SlackOrigin))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class SlackJson : JsonSerializerContext;

// ---- Events API (B2) ----

/// <summary>An Events API request body: the <c>event_callback</c> envelope or <c>url_verification</c>.</summary>
public sealed record SlackEnvelope
{
    public string? Type { get; init; }
    public string? Challenge { get; init; }
    public string? TeamId { get; init; }
    public string? ApiAppId { get; init; }
    public string? EventId { get; init; }
    public long? EventTime { get; init; }
    public SlackEvent? Event { get; init; }
    public IReadOnlyList<SlackAuthorization>? Authorizations { get; init; }
}

public sealed record SlackEvent
{
    public string? Type { get; init; }
    public string? Subtype { get; init; }
    public string? User { get; init; }
    public string? BotId { get; init; }
    public string? Text { get; init; }
    public string? Ts { get; init; }
    public string? ThreadTs { get; init; }
    public string? Channel { get; init; }
    public string? ChannelType { get; init; }
    public string? EventTs { get; init; }
    /// <summary><c>app_home_opened</c>: which of the app's tabs was opened, <c>home</c> or <c>messages</c>.</summary>
    public string? Tab { get; init; }
    /// <summary><c>tokens_revoked</c>: the user ids whose tokens were revoked, by kind.</summary>
    public SlackRevokedTokens? Tokens { get; init; }
}

public sealed record SlackRevokedTokens(IReadOnlyList<string>? Oauth, IReadOnlyList<string>? Bot);

public sealed record SlackAuthorization(string? TeamId, string? UserId, bool IsBot);

// ---- Interactivity (B3) ----

/// <summary>The <c>payload</c> of an interactivity request: <c>block_actions</c> or <c>view_submission</c>.</summary>
public sealed record SlackInteraction
{
    public string? Type { get; init; }
    public SlackUser? User { get; init; }
    public SlackTeam? Team { get; init; }
    public SlackChannelInfo? Channel { get; init; }
    public SlackContainer? Container { get; init; }
    public string? TriggerId { get; init; }
    public string? ResponseUrl { get; init; }
    public SlackMessage? Message { get; init; }
    public SlackView? View { get; init; }
    public IReadOnlyList<JsonObject>? Actions { get; init; }
    public SlackState? State { get; init; }
}

public sealed record SlackUser(string? Id, string? TeamId, string? Username, string? Name);

public sealed record SlackTeam(string? Id, string? Domain);

public sealed record SlackChannelInfo(string? Id, string? Name);

public sealed record SlackContainer(string? Type, string? MessageTs, string? ChannelId, bool? IsEphemeral, string? ThreadTs);

public sealed record SlackMessage(string? Ts, string? ThreadTs, string? Text);

public sealed record SlackView
{
    public string? Id { get; init; }
    public string? TeamId { get; init; }
    public string? CallbackId { get; init; }
    public string? PrivateMetadata { get; init; }
    public string? Hash { get; init; }
    public SlackState? State { get; init; }
    public JsonArray? Blocks { get; init; }
}

/// <summary><c>state.values[block_id][action_id]</c>: each input element's current value.</summary>
public sealed record SlackState(Dictionary<string, Dictionary<string, JsonObject>>? Values);

/// <summary>The answer to a <c>view_submission</c> that keeps the modal open with errors.</summary>
public sealed record SlackViewSubmissionAnswer(string ResponseAction, IReadOnlyDictionary<string, string> Errors);

/// <summary>Where an open modal's form came from: the message to update in place after a decision.</summary>
public sealed record SlackFormContext(string Channel, string? MessageTs, string? ThreadTs);

/// <summary>The signed content of an OAuth <c>state</c>.</summary>
public sealed record SlackInstallState(string Nonce, long IssuedAt);

// ---- Web API requests (B5) ----

public sealed record ChatPostMessageRequest(string Channel, string Text, JsonArray? Blocks = null, string? ThreadTs = null, SlackMessageMetadata? Metadata = null);

/// <summary>Message metadata (<c>event_type</c> and <c>event_payload</c>): how a message carries its outbox key.</summary>
public sealed record SlackMessageMetadata(string EventType, JsonObject EventPayload);

public sealed record ChatUpdateRequest(string Channel, string Ts, string Text, JsonArray? Blocks = null);

public sealed record ChatPostEphemeralRequest(string Channel, string User, string Text, JsonArray? Blocks = null, string? ThreadTs = null);

public sealed record ConversationsOpenRequest(string Users);

/// <summary>files.completeUploadExternal: shares uploaded files into one conversation (and thread) with a comment.</summary>
public sealed record FilesCompleteUploadRequest(IReadOnlyList<SlackFileRef> Files, string? ChannelId = null, string? InitialComment = null, string? ThreadTs = null);

/// <summary>An uploaded file: its id and the title Slack shows.</summary>
public sealed record SlackFileRef(string Id, string? Title = null);

public sealed record ViewsOpenRequest(string TriggerId, JsonObject View);

/// <summary>views.publish: a person's App Home (<c>type: home</c>).</summary>
public sealed record ViewsPublishRequest(string UserId, JsonObject View);

/// <summary>A message posted to an interaction's or a slash command's <c>response_url</c>.</summary>
public sealed record ResponseUrlMessage(string Text, JsonArray? Blocks, string ResponseType, bool? ReplaceOriginal = null);

// ---- Web API responses ----

/// <summary>Every Web API answer: <c>ok</c>, and <c>error</c> when it is false.</summary>
public class SlackApiResponse
{
    public bool Ok { get; init; }
    public string? Error { get; init; }
}

public sealed class ChatMessageResponse : SlackApiResponse
{
    public string? Channel { get; init; }
    public string? Ts { get; init; }
}

/// <summary>files.getUploadURLExternal: where to send the bytes, and the file's id.</summary>
public sealed class FilesUploadUrlResponse : SlackApiResponse
{
    public string? UploadUrl { get; init; }
    public string? FileId { get; init; }
}

public sealed class FilesCompleteUploadResponse : SlackApiResponse
{
    public IReadOnlyList<SlackFileRef>? Files { get; init; }
}

public sealed class ConversationsOpenResponse : SlackApiResponse
{
    public SlackChannelInfo? Channel { get; init; }
}

public sealed class ConversationsHistoryResponse : SlackApiResponse
{
    public IReadOnlyList<SlackHistoryMessage>? Messages { get; init; }
    public bool HasMore { get; init; }
    public SlackResponseMetadata? ResponseMetadata { get; init; }
}

public sealed record SlackHistoryMessage(string? Ts, string? BotId, SlackMessageMetadata? Metadata);

public sealed record SlackResponseMetadata(string? NextCursor);

public sealed class ViewsOpenResponse : SlackApiResponse
{
    public SlackView? View { get; init; }
}

public sealed class UsersInfoResponse : SlackApiResponse
{
    public SlackUserInfo? User { get; init; }
}

/// <param name="TeamId">The user's home team: another team's id marks a Slack Connect user.</param>
/// <param name="IsRestricted">A multi-channel guest.</param>
/// <param name="IsUltraRestricted">A single-channel guest.</param>
/// <param name="IsStranger">Set on users of another organisation the workspace shares a channel with.</param>
/// <param name="EnterpriseUser">Enterprise Grid: the org's teams the user belongs to.</param>
public sealed record SlackUserInfo(
    string? Id, string? Name, string? RealName, bool Deleted, bool IsBot, SlackUserProfile? Profile,
    string? TeamId = null, bool IsRestricted = false, bool IsUltraRestricted = false, bool IsStranger = false,
    SlackEnterpriseUser? EnterpriseUser = null);

public sealed record SlackEnterpriseUser(string? EnterpriseId, IReadOnlyList<string>? Teams);

public sealed record SlackUserProfile(string? Email, string? RealName, string? DisplayName);

public sealed class AuthTestResponse : SlackApiResponse
{
    public string? TeamId { get; init; }
    public string? Team { get; init; }
    public string? UserId { get; init; }
    public string? BotId { get; init; }
}

public sealed class OAuthV2AccessResponse : SlackApiResponse
{
    public string? AccessToken { get; init; }
    public string? TokenType { get; init; }
    public string? Scope { get; init; }
    public string? BotUserId { get; init; }
    public string? AppId { get; init; }
    public SlackTeamRef? Team { get; init; }
}

public sealed record SlackTeamRef(string? Id, string? Name);

internal static class SlackJsonExtensions
{
    /// <summary>The value an input element holds, whatever its kind (text, select, date, …).</summary>
    public static JsonNode? InputValue(this JsonObject element)
    {
        if (element["selected_options"] is JsonArray many)
        {
            return string.Join(',', many.Select(o => o?["value"]?.GetValue<string>()).OfType<string>());
        }

        if (element["selected_users"] is JsonArray users)
        {
            return string.Join(',', users.Select(u => u?.GetValue<string>()).OfType<string>());
        }

        foreach (var name in (string[])["value", "selected_date", "selected_time", "selected_date_time", "selected_user", "selected_channel", "selected_conversation"])
        {
            if (element[name] is JsonValue value)
            {
                return value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            }
        }

        return element["selected_option"]?["value"]?.GetValue<string>();
    }
}
