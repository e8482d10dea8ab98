// Only enhancements: every page works without script. Three of them:
// - the live parts of a page ([data-live]) are fetched again every few seconds and replaced when they change,
//   so the trainer's page and a participant waiting for the reveal stay current without a reload (without
//   script, the page refreshes itself instead);
// - an error page moves the focus to its summary of errors, as the GOV.UK Design System's pattern does;
// - what is typed in an answer's boxes is kept in this tab's session storage as it is sent, and put back
//   when the send did not arrive (the connection dropped): the page carries the version of the answer it
//   was drawn from, and a send that arrived changes it.
(function () {
  "use strict";

  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  function say(before, text, kind) {
    var note = document.createElement("div");
    note.className = "note note-" + kind;
    note.setAttribute("role", "status");
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    note.appendChild(paragraph);
    var old = document.querySelector(".note-unsent, .note-offline");
    if (old) old.remove();
    before.parentNode.insertBefore(note, before);
    return note;
  }

  var form = document.querySelector("form.answer-form");
  var store = null;
  try { store = window.sessionStorage; } catch (e) { store = null; }
  if (form && store) {
    var key = "room-unsent:" + form.getAttribute("data-question");
    var version = form.getAttribute("data-version");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("textarea, input[type=text]"));
    var kept = null;
    try { kept = JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
    if (kept && kept.version === version && kept.values) {
      var back = false;
      boxes.forEach(function (box) {
        var value = kept.values[box.name];
        if (value && value !== box.value) { box.value = value; back = true; }
      });
      if (back) {
        say(form, "What you typed did not reach the room (the connection may have dropped), so it is back in"
                  + " the box. Press Save and continue to send it again.", "unsent");
      } else {
        store.removeItem(key);  // the room has it
      }
    } else if (kept) {
      store.removeItem(key);  // the answer changed since: the send arrived, or it was changed elsewhere
    }
    form.addEventListener("submit", function (event) {
      var values = {};
      var any = false;
      boxes.forEach(function (box) { if (box.value.trim()) { values[box.name] = box.value; any = true; } });
      if (any) {
        try { store.setItem(key, JSON.stringify({ version: version, values: values })); } catch (e) { /* full */ }
      }
      if (navigator.onLine === false) {
        event.preventDefault();
        say(form, "You are offline, so nothing was sent. What you typed is kept here: press Save and continue"
                  + " again once you are connected.", "offline");
      }
    });
  }

  var live = document.querySelector("[data-live]");
  if (!live || !window.fetch || !window.DOMParser) return;
  var seconds = 5;
  function refresh() {
    if (document.visibilityState === "hidden") return;
    // marked as a background fetch, so that what the room has to tell the person (a new round has started)
    // is left for the page they will read, not taken by this one
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store", headers: { "X-Room-Refresh": "1" } })
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
