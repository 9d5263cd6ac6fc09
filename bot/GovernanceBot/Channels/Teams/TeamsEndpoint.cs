using System.Net;
using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// <c>POST /api/messages</c>: verify (A1) before anything reads the body's meaning, then parse and
/// hand the activity to <see cref="TeamsActivityHandler"/>. Bad input is a 4xx with a problem body,
/// never a 5xx; an auth failure is a 401 and nothing is stored or run.
/// </summary>
internal static class TeamsEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        TeamsTokenValidator validator,
        TeamsActivityHandler handler,
        BotMode mode,
        IOptions<TeamsOptions> options,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(TeamsEndpoint).FullName!);
        var settings = options.Value;
        var cancellationToken = context.RequestAborted;

        if (context.Request.ContentLength > settings.MaxRequestBytes)
        {
            return TooLarge(settings);
        }

        ValidatedToken? token = null;
        if (settings.IsConfigured)
        {
            var (validated, failure) = await validator.ValidateAsync(context.Request.Headers.Authorization.ToString(), cancellationToken);
            if (validated is null)
            {
                Log.TeamsAuthRejected(logger, failure ?? "invalid token");
                return Unauthorized();
            }

            token = validated;
        }
        else if (!mode.IsDevelopment || !IsDirectLoopback(context))
        {
            Log.TeamsAuthRejected(logger, mode.IsDevelopment ? "unauthenticated request not from loopback" : "Teams is not configured (no Teams:AppId)");
            return Unauthorized();
        }

        var body = await ReadBodyAsync(context, settings.MaxRequestBytes, cancellationToken);
        if (body is null)
        {
            return TooLarge(settings);
        }

        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize(body, TeamsJson.Default.Activity);
        }
        catch (JsonException)
        {
            return BadRequest("The body is not a JSON activity.");
        }

        if (activity is null || string.IsNullOrEmpty(activity.Type))
        {
            return BadRequest("The activity has no type.");
        }

        if (token is not null && TeamsTokenValidator.CheckActivity(token, activity) is { } mismatch)
        {
            Log.TeamsAuthRejected(logger, mismatch);
            return Unauthorized();
        }

        // Only Teams is served: a genuine token for this bot can carry another Bot Framework channel
        // (Web Chat, Direct Line) whose sender ids are whatever the client claims.
        if (!string.Equals(activity.ChannelId, ChannelNames.Teams, StringComparison.Ordinal))
        {
            Log.TeamsChannelRefused(logger, activity.ChannelId ?? "(none)");
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "This endpoint serves Microsoft Teams only (channelId 'msteams').");
        }

        if (string.IsNullOrEmpty(activity.Id) || string.IsNullOrEmpty(activity.Conversation?.Id) || string.IsNullOrEmpty(activity.From?.Id)
            || string.IsNullOrEmpty(activity.TenantId) || !Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out _))
        {
            return BadRequest("The activity needs id, from.id, conversation.id, a tenant and an absolute serviceUrl.");
        }

        if (!settings.Serves(activity.TenantId))
        {
            Log.TeamsTenantRefused(logger, activity.TenantId);
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "This bot serves only the Microsoft 365 organisations it is configured for (Teams:TenantId, Teams:AllowedTenants).");
        }

        return await handler.AcceptAsync(activity, body, cancellationToken);
    }

    /// <summary>Development mode only: the peer is this machine and no proxy forwarded the request.</summary>
    private static bool IsDirectLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address
        && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For")
        && !context.Request.Headers.ContainsKey("Forwarded");

    /// <summary>The body, or null when it is larger than allowed (whatever Content-Length claimed).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return buffer.ToArray();
    }

    private static IResult Unauthorized() =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "The request is not from the Bot Framework for this bot.");

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    private static IResult TooLarge(TeamsOptions settings) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large",
            detail: $"Activities larger than {settings.MaxRequestBytes / 1024} KB are not accepted.");
}
