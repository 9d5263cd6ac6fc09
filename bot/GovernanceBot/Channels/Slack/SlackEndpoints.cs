using System.Text;
using System.Text.Json;
using GovernanceBot.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Slack's HTTP endpoints. Each POST reads the raw body (at most 1 MB), verifies the v0 signature
/// over it before anything reads its meaning, and only then parses it; a refused request runs nothing.
/// </summary>
public static class SlackEndpoints
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapSlackEndpoints(this IEndpointRouteBuilder app)
    {
        var slack = app.MapGroup("/slack").ExcludeFromDescription();
        slack.MapPost("/events", EventsAsync);
        slack.MapPost("/interactions", InteractionsAsync);
        slack.MapPost("/commands", CommandsAsync);
        slack.MapGet("/install", Install);
        slack.MapGet("/oauth/callback", CallbackAsync);
        return app;
    }

    private static async Task<IResult> EventsAsync(HttpContext context, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackInbound> logger)
    {
        var (body, refusal) = await ReadVerifiedAsync(context, "events", options.Value, time, logger);
        if (refusal is not null)
        {
            return refusal;
        }

        SlackEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body, SlackJson.Default.SlackEnvelope);
        }
        catch (JsonException ex)
        {
            return Malformed(logger, "events", $"not an event envelope ({ex.GetType().Name})");
        }

        if (envelope is null)
        {
            return Malformed(logger, "events", "empty body");
        }

        return ToResult(await context.RequestServices.GetRequiredService<SlackEvents>().HandleEventAsync(envelope, body, context.Request.Headers["X-Slack-Retry-Num"].FirstOrDefault(), context.RequestAborted));
    }

    private static async Task<IResult> InteractionsAsync(HttpContext context, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackInbound> logger)
    {
        var (body, refusal) = await ReadVerifiedAsync(context, "interactions", options.Value, time, logger);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!ParseForm(body).TryGetValue("payload", out var json) || string.IsNullOrWhiteSpace(json))
        {
            return Malformed(logger, "interactions", "no payload field");
        }

        SlackInteraction? payload;
        try
        {
            payload = JsonSerializer.Deserialize(json, SlackJson.Default.SlackInteraction);
        }
        catch (JsonException ex)
        {
            return Malformed(logger, "interactions", $"payload is not an interaction ({ex.GetType().Name})");
        }

        return payload is null
            ? Malformed(logger, "interactions", "empty payload")
            : ToResult(await context.RequestServices.GetRequiredService<SlackInteractions>().HandleInteractionAsync(payload, json, context.RequestAborted));
    }

    private static async Task<IResult> CommandsAsync(HttpContext context, IOptions<SlackOptions> options, TimeProvider time, ILogger<SlackInbound> logger)
    {
        var (body, refusal) = await ReadVerifiedAsync(context, "commands", options.Value, time, logger);
        return refusal ?? ToResult(await context.RequestServices.GetRequiredService<SlackCommands>().HandleCommandAsync(ParseForm(body), context.RequestAborted));
    }

    /// <summary>Resolved only after the signature is verified: a refused request builds nothing.</summary>

    private static IResult Install(HttpContext context, SlackOAuth oauth, IOptions<SlackOptions> options)
    {
        if (!options.Value.InstallEnabled)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Slack install is not configured",
                detail: "Set Slack:ClientId and Slack:ClientSecret to install the app into workspaces.");
        }

        var (nonce, state) = oauth.NewState();
        context.Response.Cookies.Append(SlackOAuth.StateCookie, nonce, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            MaxAge = options.Value.InstallStateLifetime,
            Path = "/slack/oauth",
        });
        return Results.Redirect(oauth.AuthorizeUrl(state, RedirectUri(context, options.Value)).ToString());
    }

    private static async Task<IResult> CallbackAsync(HttpContext context, SlackOAuth oauth, IOptions<SlackOptions> options, ILogger<SlackOAuth> logger)
    {
        if (!options.Value.InstallEnabled)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Slack install is not configured");
        }

        var query = context.Request.Query;
        context.Response.Cookies.Delete(SlackOAuth.StateCookie, new CookieOptions { Path = "/slack/oauth" });
        if (query["error"].FirstOrDefault() is { Length: > 0 })
        {
            return Results.Text("The install was cancelled in Slack. Nothing was changed.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (oauth.CheckState(query["state"].FirstOrDefault(), context.Request.Cookies[SlackOAuth.StateCookie]) is { } problem)
        {
            Log.SlackInstallRefused(logger, problem);
            return Results.Text("This install link is invalid or has expired. Start again from /slack/install.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (query["code"].FirstOrDefault() is not { Length: > 0 } code)
        {
            return Results.Text("Slack sent no install code. Start again from /slack/install.", statusCode: StatusCodes.Status400BadRequest);
        }

        var (team, error) = await oauth.CompleteAsync(code, RedirectUri(context, options.Value), context.RequestAborted);
        return error is null
            ? Results.Text($"GovernanceBot is installed in {team}. Mention @GovernanceBot in a channel, send it a direct message, or type /gov help.")
            : Results.Text(error, statusCode: StatusCodes.Status400BadRequest);
    }

    private static Uri RedirectUri(HttpContext context, SlackOptions options) =>
        options.RedirectUri ?? new Uri($"{context.Request.Scheme}://{context.Request.Host}/slack/oauth/callback");

    /// <summary>The raw body, or the answer that refuses the request (503, 413, 401, or 200 for <c>ssl_check</c>).</summary>
    private static async Task<(byte[] Body, IResult? Refusal)> ReadVerifiedAsync(
        HttpContext context, string endpoint, SlackOptions options, TimeProvider time, ILogger logger)
    {
        if (!options.Enabled)
        {
            return ([], Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Slack is not configured",
                detail: "Set Slack:SigningSecret (and Slack:BotToken or Slack:ClientId/ClientSecret) to enable Slack."));
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return ([], TooLarge(logger, endpoint));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return ([], TooLarge(logger, endpoint));
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        var headers = context.Request.Headers;
        var timestamp = headers[SlackSignature.TimestampHeader].FirstOrDefault();
        var signature = headers[SlackSignature.SignatureHeader].FirstOrDefault();
        if (timestamp is null && signature is null && IsSslCheck(body))
        {
            // Slack's certificate check carries no signature and asks for nothing but a 200.
            return (body, Results.Ok());
        }

        var failure = SlackSignature.Verify(options.SigningSecret!, timestamp, signature, body, time.GetUtcNow());
        if (failure != SlackSignatureFailure.None)
        {
            Log.SlackRequestRefused(logger, endpoint, failure.ToString());
            return (body, Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid Slack signature"));
        }

        return (body, null);
    }

    private static bool IsSslCheck(byte[] body) =>
        body.Length < 1024 && ParseForm(body).TryGetValue("ssl_check", out var check) && check == "1";

    private static IResult TooLarge(ILogger logger, string endpoint)
    {
        Log.SlackRequestRefused(logger, endpoint, "body over 1 MB");
        return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large", detail: "Slack requests are at most 1 MB.");
    }

    private static IResult Malformed(ILogger logger, string endpoint, string reason)
    {
        Log.SlackMalformed(logger, endpoint, reason);
        return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed Slack request", detail: reason);
    }

    /// <summary>A form-encoded body as fields (first value of each); <c>+</c> decodes to a space.</summary>
    internal static IReadOnlyDictionary<string, string> ParseForm(byte[] body)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return new Dictionary<string, string>();
        }

        return QueryHelpers.ParseQuery(text).ToDictionary(p => p.Key, p => p.Value.FirstOrDefault() ?? string.Empty, StringComparer.Ordinal);
    }

    private static IResult ToResult(SlackAck ack) => ack switch
    {
        { Json: { } json } => Results.Content(json, "application/json", Encoding.UTF8, ack.StatusCode),
        { StatusCode: >= 400, Text: var detail } => Results.Problem(statusCode: ack.StatusCode, title: "Malformed Slack request", detail: detail),
        { Text: { } text } => Results.Text(text, "text/plain", Encoding.UTF8, ack.StatusCode),
        _ => Results.StatusCode(ack.StatusCode),
    };
}
