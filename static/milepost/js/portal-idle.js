// The idle-timeout warning of the client portal (docs/decisions/0823-idle-timeout-keeps-work.md).
// A minute before the server signs the session out, save what is typed (forms marked
// data-autosave) in the background and ask "Are you still there?". "Stay signed in" starts the
// idle time again; otherwise, after the timeout, reload: the sign-in page comes back here.
// Journal text is also saved a few seconds after typing stops, so a phone that sleeps through
// the warning loses nothing. Background saves send a header the server does not count as activity.
(function () {
  "use strict";
  var box = document.getElementById("mp-idle");
  if (!box || !window.fetch) { return; }
  var WARN_SECONDS = 60;
  var header = box.getAttribute("data-autosave-header");
  var csrf = box.getAttribute("data-csrf");
  var deadline = Date.now() + parseInt(box.getAttribute("data-seconds-left"), 10) * 1000;
  var warnTimer = null;
  var endTimer = null;

  function post(url, body) {
    var headers = { "X-CSRFToken": csrf };
    headers[header] = "1";
    return fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin", redirect: "manual" });
  }

  function saveForm(form) {
    var data = new FormData(form);
    var nav = form.getAttribute("data-autosave-nav");
    if (nav) {
      var chosen = form.querySelector("input[type=radio]:checked");
      if (!chosen) { return Promise.resolve(); }
      data.set("nav", nav);
    }
    return post(form.getAttribute("data-autosave"), data).catch(function () {});
  }

  function saveAll() {
    var forms = document.querySelectorAll("form[data-autosave]");
    return Promise.all(Array.prototype.map.call(forms, saveForm));
  }

  function schedule(secondsLeft) {
    deadline = Date.now() + secondsLeft * 1000;
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(warn, Math.max(0, (secondsLeft - WARN_SECONDS) * 1000));
    // A second after the server's limit: the reload is then surely signed out.
    endTimer = setTimeout(signedOut, (secondsLeft + 1) * 1000);
  }

  function warn() {
    saveAll();
    box.hidden = false;
    box.querySelector("[data-idle-stay]").focus();
  }

  function signedOut() {
    saveAll().then(function () { window.location.reload(); });
  }

  box.querySelector("[data-idle-stay]").addEventListener("click", function () {
    var stay = box.getAttribute("data-stay-url");
    fetch(stay, { method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (!response.ok) { window.location.reload(); return null; }
        return response.json();
      })
      .then(function (answer) {
        if (!answer) { return; }
        box.hidden = true;
        schedule(answer.seconds_left);
      })
      .catch(function () { window.location.reload(); });
  });

  // Journal text: saved a few seconds after typing stops.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]:not([data-autosave-nav])"), function (form) {
    var pause = null;
    form.addEventListener("input", function () {
      clearTimeout(pause);
      pause = setTimeout(function () { saveForm(form); }, 3000);
    });
    form.addEventListener("submit", function () { clearTimeout(pause); });
  });

  // A phone that slept past the warning: on waking, check the clock at once.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") { return; }
    var left = Math.round((deadline - Date.now()) / 1000);
    if (left <= 0) { window.location.reload(); } else { schedule(left); }
  });

  schedule(Math.round((deadline - Date.now()) / 1000));
})();
