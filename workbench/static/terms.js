/* The terminology review (templates/terms/): after a flag is settled or dismissed in place,
 * focus moves to the next open flag (the list keeps its position); a refused action says why
 * in the status line. htmx does the requests; workbench.js adds the CSRF token. */
"use strict";

(() => {
  const status = () => document.getElementById("terms-status");

  // htmx fires afterSwap on what it swapped in: here, the flag's article in its new state.
  document.addEventListener("htmx:afterSwap", (event) => {
    const swapped = event.target;
    if (!swapped || !swapped.matches || !swapped.matches("article.flag")) return;
    const box = status();
    if (box) box.classList.remove("failed");
    if (swapped.dataset.status === "open") {
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
