/* The terminology review (templates/terms/): after a flag is settled or dismissed in place,
 * focus moves to the next open flag (the list keeps its position); a refused action says why
 * in the status line, and a flag decided meanwhile in another tab is shown as it is now.
 * htmx does the requests; workbench.js adds the CSRF token. */
"use strict";

(() => {
  const status = () => document.getElementById("terms-status");

  // A flag decided meanwhile in another tab (or by someone else): the server refuses the
  // action (409) and answers with the flag as it is now and why; that answer replaces the
  // stale article, which would otherwise go on offering an action already taken (a flag
  // gone from the list meanwhile: its article goes, the status line says why).
  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 409 || xhr.responseText.indexOf('id="terms-status"') < 0) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  });

  // htmx fires afterSwap on what it swapped in: here, the flag's article in its new state.
  document.addEventListener("htmx:afterSwap", (event) => {
    const swapped = event.target;
    if (!swapped || !swapped.matches || !swapped.matches("article.flag")) return;
    const box = status();
    if (box) box.classList.remove("failed");
    const xhr = event.detail.xhr;
    if (swapped.dataset.status === "open" || (xhr && xhr.status === 409)) {
      // Open again, or changed elsewhere: the focus stays on this flag, to read it anew.
      const heading = swapped.querySelector("h2");
      if (heading) heading.focus({ preventScroll: true });
      return;
    }
    // Decided: on to the next open flag below (or the status line when none is left).
    let next = swapped.nextElementSibling;
    while (next && !(next.matches("article.flag") && next.dataset.status === "open")) {
      next = next.nextElementSibling;
    }
    const heading = next ? next.querySelector("h2") : null;
    if (heading) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "nearest" });
    }
  });

  // The preferred variant has no other status: its status list is off while it is chosen.
  document.addEventListener("change", (event) => {
    const radio = event.target;
    if (!radio.matches || !radio.matches('form.settle input[name="preferred"]')) return;
    const form = radio.closest("form");
    const radios = form.querySelectorAll('input[name="preferred"]');
    form.querySelectorAll('select[name^="status-"]').forEach((select, k) => {
      select.disabled = Boolean(radios[k] && radios[k].checked);
    });
  });

  // A refused action (a flag decided in another tab, a form expired): say why, keep the list.
  document.addEventListener("htmx:responseError", (event) => {
    const box = status();
    if (!box) return;
    const xhr = event.detail.xhr;
    let message = "";
    try {
      const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      const found = page.querySelector(".error .message");
      message = found ? found.textContent.trim() : "";
    } catch (error) {
      message = "";
    }
    box.textContent = message || (xhr.status + " " + xhr.statusText);
    box.classList.remove("done");
    box.classList.add("failed");
  });
})();
