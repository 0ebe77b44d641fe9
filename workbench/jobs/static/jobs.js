/* Forms that start a job (align an upload, import or export the memory): the button is
 * disabled and says what is happening once the form is sent, so it is not sent twice.
 * (No inline script anywhere: the Content-Security-Policy allows only these files.) */
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy")) return;
  for (const button of form.querySelectorAll('button[type="submit"], button:not([type])')) {
    button.dataset.label = button.textContent;
    button.textContent = form.getAttribute("data-busy");
    button.disabled = true;
    button.setAttribute("aria-disabled", "true");
  }
  form.setAttribute("aria-busy", "true");
});

// Back to the form from the job's page (the browser's cache keeps the page as it was left):
// the button works again.
window.addEventListener("pageshow", () => {
  for (const button of document.querySelectorAll("form[data-busy] button[disabled]")) {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute("aria-disabled");
  }
  for (const form of document.querySelectorAll("form[data-busy]")) form.removeAttribute("aria-busy");
});
