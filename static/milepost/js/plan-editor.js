// Plan editor: "Use this rewrite" puts the SMART engine's rewrite into the field, selects
// its first [placeholder] for typing over, and asks for fresh feedback. No inline script:
// this file is served from 'self' under the Content-Security-Policy.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-rewrite]");
  if (!button) return;
  const field = document.getElementById(button.dataset.field || "id_statement");
  if (!field) return;
  field.value = button.dataset.rewrite;
  field.focus();
  const start = field.value.indexOf("[");
  const end = start >= 0 ? field.value.indexOf("]", start) : -1;
  if (end > start) field.setSelectionRange(start, end + 1);
  field.dispatchEvent(new Event("input", { bubbles: true }));
});
