// The portal plan's "Print my plan" button: shown only when scripts run (the browser's
// own print menu works without it). No inline script: the pages' CSP forbids it.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
