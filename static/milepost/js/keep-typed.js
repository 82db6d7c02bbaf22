// Nothing typed is lost when another form on the page is posted (issue 16, decision 0814).
// Each form posts on its own (decision 0307), so posting one reloads the page and would drop
// what another form holds unsaved. On submit, what was typed into the page's other forms is
// kept in this tab's sessionStorage; the next page puts it back into the same forms (matched
// by where they post), says so, and the stored copy is deleted at once. Nothing is kept longer
// than one page load or a minute, nor after signing out. No inline script (CSP).
"use strict";
(() => {
  const KEY = "mp-keep";
  const MAX_AGE_MS = 60000;
  const SKIP = new Set(["hidden", "password", "file", "submit", "button", "reset", "image"]);

  const formKeys = () => {
    const seen = new Map();
    return Array.from(document.forms).map((form) => {
      let path;
      try {
        path = new URL(form.getAttribute("action") || "", window.location.href).pathname;
      } catch (error) {
        path = window.location.pathname;
      }
      const n = seen.get(path) || 0;
      seen.set(path, n + 1);
      return [form, `${path}|${n}`];
    });
  };

  const fields = (form) =>
    Array.from(form.elements).filter(
      (el) => el.name && !SKIP.has(el.type) && el.name !== "csrfmiddlewaretoken" && !el.disabled
    );

  const state = (el) => {
    if (el.type === "checkbox" || el.type === "radio") {
      return { typed: el.checked, original: el.defaultChecked };
    }
    if (el.tagName === "SELECT") {
      const typed = Array.from(el.options).map((o) => o.selected);
      const original = Array.from(el.options).map((o) => o.defaultSelected);
      return { typed, original };
    }
    return { typed: el.value, original: el.defaultValue };
  };

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const fieldKey = (el) => `${el.name}|${el.type === "checkbox" || el.type === "radio" ? el.value : ""}`;

  document.addEventListener(
    "submit",
    (event) => {
      const posted = event.target;
      if (posted.closest("[data-sign-out]")) {
        sessionStorage.removeItem(KEY);
        return;
      }
      const kept = {};
      for (const [form, key] of formKeys()) {
        if (form === posted || (form.method || "").toLowerCase() !== "post") continue;
        const changed = {};
        for (const el of fields(form)) {
          const s = state(el);
          if (!same(s.typed, s.original)) changed[fieldKey(el)] = s;
        }
        if (Object.keys(changed).length) kept[key] = changed;
      }
      if (Object.keys(kept).length) {
        sessionStorage.setItem(KEY, JSON.stringify({ at: Date.now(), forms: kept }));
      } else {
        sessionStorage.removeItem(KEY);
      }
    },
    true
  );

  const restore = () => {
    const raw = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    if (!raw) return;
    let saved;
    try {
      saved = JSON.parse(raw);
    } catch (error) {
      return;
    }
    if (!saved || Date.now() - saved.at > MAX_AGE_MS) return;
    for (const [form, key] of formKeys()) {
      const changed = saved.forms[key];
      if (!changed) continue;
      let restored = 0;
      for (const el of fields(form)) {
        const s = changed[fieldKey(el)];
        // Only where the page still shows what the field held before: never over a value
        // the server changed meanwhile.
        if (!s || !same(state(el).original, s.original)) continue;
        if (el.type === "checkbox" || el.type === "radio") el.checked = s.typed;
        else if (el.tagName === "SELECT") {
          Array.from(el.options).forEach((o, i) => {
            o.selected = Boolean(s.typed[i]);
          });
        } else el.value = s.typed;
        restored += 1;
      }
      if (!restored) continue;
      const details = form.closest("details");
      if (details) details.open = true;
      const note = document.createElement("p");
      note.className = "mp-alert mp-alert--warning mp-kept";
      note.setAttribute("role", "status");
      note.textContent = "What you typed here is back. It is not saved yet.";
      form.prepend(note);
    }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore);
  else restore();
})();
