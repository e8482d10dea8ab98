// Only an enhancement: the live parts of a page ([data-live]) are fetched again every few seconds and
// replaced when they change, so the trainer's page and a participant waiting for the reveal stay current
// without a reload. Without script, the page refreshes itself instead.
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  if (!live || !window.fetch || !window.DOMParser) return;
  var seconds = 5;
  function refresh() {
    if (document.visibilityState === "hidden") return;
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        if (!text) return;
        var fresh = new DOMParser().parseFromString(text, "text/html").querySelector("[data-live]");
        // a participant held by the trainer: once the room moves on, the page that follows is shown at once
        if (live.hasAttribute("data-follow") && !(fresh && fresh.hasAttribute("data-follow"))) {
          window.location.reload();
          return;
        }
        if (fresh && fresh.innerHTML !== live.innerHTML && !live.contains(document.activeElement)) {
          live.innerHTML = fresh.innerHTML;
        }
      })
      .catch(function () { /* the next try may reach the server again */ });
  }
  window.setInterval(refresh, seconds * 1000);
})();
