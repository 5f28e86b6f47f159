// The public booking page: show the times in the visitor's own time zone. Without ?tz= the page
// reloads once with the zone the browser reports (the visitor can still pick another).
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var url = new URL(window.location.href);
    if (!zone || url.searchParams.get("tz")) return;
    url.searchParams.set("tz", zone);
    window.location.replace(url.toString());
  } catch (e) {
    /* an old browser: the firm's zone stays, and the select changes it */
  }
})();
