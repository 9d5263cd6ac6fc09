// The dashboard's Teams tab: asks Teams for the signed-in person's token (single sign-on), hands it
// to the bot, which starts a session, then opens the dashboard. Served by the bot; the Teams
// JavaScript library beside it (MicrosoftTeams.min.js, @microsoft/teams-js 2.58.0, MIT) likewise.
(function () {
  'use strict';
  var status = document.getElementById('teams-status');
  if (!status || typeof microsoftTeams === 'undefined') {
    return;
  }

  function say(text) {
    status.textContent = text;
  }

  var program = status.getAttribute('data-program') || '';
  microsoftTeams.app.initialize()
    .then(function () { return microsoftTeams.authentication.getAuthToken(); })
    .then(function (token) {
      return fetch('/dashboard/teams/session' + (program ? '?program=' + encodeURIComponent(program) : ''), {
        method: 'POST',
        headers: { Authorization: 'Bearer ' + token },
        credentials: 'same-origin'
      });
    })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('refused');
      }
      return response.json();
    })
    .then(function (answer) { window.location.replace(answer.location); })
    .catch(function () { say('Teams could not sign you in here.'); });
})();
