// botbuilder-js peer for tests/bench/inbound: a CloudAdapter with inbound auth on (JWTs checked
// against the benchmark's local OpenID metadata, endorsements included) that answers a `help`
// message with a reply through the fake Bot Connector. Configured through the environment.
'use strict';
const http = require('node:http');
const {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
} = require('botbuilder');
const { MicrosoftAppCredentials, PasswordServiceClientCredentialFactory } = require('botframework-connector');

const port = Number(process.env.PORT);
const appId = process.env.MICROSOFT_APP_ID;
const appPassword = process.env.MICROSOFT_APP_PASSWORD;
const tokenEndpoint = process.env.TOKEN_ENDPOINT;

// Outbound tokens: the SDK asks MSAL, which insists on an https authority and instance discovery
// on the internet. The supported seam is the credentials factory; this one fetches the same
// client-credentials token from the benchmark's fake endpoint and lets AppCredentials cache it.
class LocalTokenCredentials extends MicrosoftAppCredentials {
  async getToken(forceRefresh = false) {
    const cached = !forceRefresh && LocalTokenCredentials.token;
    if (cached && cached.expiresOn > Date.now()) {
      return cached.accessToken;
    }
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.appId,
        client_secret: appPassword,
        scope: 'https://api.botframework.com/.default',
      }),
    });
    if (!response.ok) {
      throw new Error(`token endpoint answered ${response.status}`);
    }
    const body = await response.json();
    LocalTokenCredentials.token = { accessToken: body.access_token, expiresOn: Date.now() + (body.expires_in - 300) * 1000 };
    return body.access_token;
  }
}

class LocalCredentialFactory extends PasswordServiceClientCredentialFactory {
  async createCredentials(requestedAppId, audience) {
    if (!(await this.isValidAppId(requestedAppId))) {
      throw new Error('Invalid appId.');
    }
    return new LocalTokenCredentials(requestedAppId, appPassword, undefined, audience);
  }
}

const auth = new ConfigurationBotFrameworkAuthentication(
  {
    MicrosoftAppId: appId,
    MicrosoftAppPassword: appPassword,
    MicrosoftAppType: 'MultiTenant',
    ToBotFromChannelOpenIdMetadataUrl: process.env.OPENID_METADATA_URL,
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    ToBotFromEmulatorOpenIdMetadataUrl: process.env.OPENID_METADATA_URL,
    ToChannelFromBotLoginUrl: tokenEndpoint,
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ValidateAuthority: false,
  },
  new LocalCredentialFactory(appId, appPassword),
);
const adapter = new CloudAdapter(auth);
adapter.onTurnError = async (_context, error) => console.error(error);

class HelpBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      if ((context.activity.text || '').trim().toLowerCase() === 'help') {
        await context.sendActivity('Here is what I can do: status, approvals, risks, decisions. Type a command to start.');
      }
      await next();
    });
  }
}
const bot = new HelpBot();

// Node's own http server with the few members CloudAdapter.process uses (restify/express would add
// their own cost and a dependency; the body is parsed once, as their JSON middleware would).
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const request = { method: req.method, headers: req.headers, body };
    const response = {
      socket: res.socket,
      status(code) { res.statusCode = code; },
      header(name, value) { res.setHeader(name, value); },
      send(payload) {
        if (payload === undefined) return;
        if (typeof payload === 'object') {
          res.setHeader('content-type', 'application/json');
          res.write(JSON.stringify(payload));
        } else {
          res.write(String(payload));
        }
      },
      end() { res.end(); },
    };
    adapter.process(request, response, (context) => bot.run(context)).catch((error) => {
      console.error(error);
      if (!res.writableEnded) res.writeHead(500).end();
    });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`botbuilder listening on ${port}`));
