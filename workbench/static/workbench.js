/* Every page: the CSRF token on htmx requests, and the interface language remembered.
 * (No inline script anywhere: the Content-Security-Policy allows only these files.) */
"use strict";

// htmx sends the session's CSRF token with every request it makes (forms carry a field).
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});

// Remember the interface language for every page (the server reads ?ui=, then the cookie).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("ui-lang-form");
  if (!form) return;
  form.addEventListener("submit", () => {
    const code = document.getElementById("ui-lang").value;
    document.cookie = "ui=" + encodeURIComponent(code) + "; path=/; max-age=31536000; samesite=lax";
  });
});

// "Go back" on an error page returns to the page the person came from, form and all.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// A form that removes what cannot be brought back asks first (its data-confirm says what).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
