// The channel tab's configuration: the program to show, saved as the tab's content address.
(function () {
  'use strict';
  var input = document.getElementById('program');
  if (!input || typeof microsoftTeams === 'undefined') {
    return;
  }

  microsoftTeams.app.initialize().then(function () {
    var origin = window.location.origin;
    microsoftTeams.pages.config.registerOnSaveHandler(function (save) {
      var key = input.value.trim().toLowerCase();
      microsoftTeams.pages.config.setConfig({
        entityId: 'program-' + key,
        suggestedDisplayName: 'Dashboard: ' + key,
        contentUrl: origin + '/dashboard/teams?program=' + encodeURIComponent(key),
        websiteUrl: origin + '/dashboard/programs/' + encodeURIComponent(key)
      }).then(function () { save.notifySuccess(); }, function () { save.notifyFailure('Could not save the tab.'); });
    });
    input.addEventListener('input', function () {
      microsoftTeams.pages.config.setValidityState(/^[a-z0-9-]+$/i.test(input.value.trim()));
    });
  });
})();
