// @slack/bolt peer for tests/bench/inbound: answers a `help` DM with say() (chat.postMessage),
// signature verification on. Started by the benchmark; configured through the environment.
'use strict';
const { App, LogLevel } = require('@slack/bolt');

const port = Number(process.env.PORT);
const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  token: process.env.SLACK_BOT_TOKEN,
  // No auth.test at start-up (platforms.md C). With verification off, bolt calls auth.test before
  // every event unless it is told its own ids, which a production app with this setting would do.
  tokenVerificationEnabled: false,
  botId: 'BBENCHBOT',
  botUserId: 'UBENCHBOT',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  // Console output per request would cost the peer throughput the bot is not charged for.
  logLevel: LogLevel.ERROR,
});

app.message(/^help$/i, async ({ say }) => {
  await say('Here is what I can do: status, approvals, risks, decisions. Type a command to start.');
});

app.start({ port, host: '127.0.0.1' }).then(() => console.log(`bolt listening on ${port}`));
