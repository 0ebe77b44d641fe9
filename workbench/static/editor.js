/* The alignment editor's keyboard behaviour (WAI-ARIA grid pattern, roving tabindex).
 *
 * The operations live on the server: this file only tracks the focus, sends the focused
 * row / sentence to an operation through htmx, and puts the focus back after the swap.
 * Focusable items: a row's header cell (column 0), each sentence, and empty cells.
 */
(function () {
  "use strict";

  const grid = document.getElementById("grid");
  if (!grid || !window.htmx) return;
  const rows = document.getElementById("rows");
  const editState = () => document.getElementById("edit-state");
  const status = document.getElementById("status");
  const alertBox = document.getElementById("alert");
  const help = document.getElementById("help");
  const msg = grid.dataset;

  let current = null; // the focused item
  let busy = false; // one operation at a time: each one needs the revision of the last
  let pending = null; // where the focus was when an operation was sent
  let advance = false; // after confirming, go to the next row (as CAT tools do)

  /* ---- the grid's geometry ---- */

  const rowOf = (el) => el && el.closest(".erow");
  const cellsOf = (row) => [row.querySelector(".head"), ...row.querySelectorAll(".cell")];
  const colOf = (el) => {
    const cell = el.classList.contains("head") || el.classList.contains("cell")
      ? el : el.closest(".cell");
    return cellsOf(rowOf(el)).indexOf(cell);
  };
  const targets = (cell) => {
    if (!cell) return [];
    if (cell.classList.contains("head")) return [cell];
    const sentences = cell.querySelectorAll(".sent");
    return sentences.length ? Array.from(sentences) : [cell];
  };
  const dataRows = () => rows.children;
  const rowIndex = (row) => Array.prototype.indexOf.call(dataRows(), row);

  function itemAt(row, col, last) {
    if (!row) return null;
    const cells = cellsOf(row);
    const found = targets(cells[Math.max(0, Math.min(col, cells.length - 1))]);
    return last ? found[found.length - 1] : found[0];
  }

  function focusItem(el) {
    if (!el) return;
    if (current && current !== el && current.isConnected) current.tabIndex = -1;
    grid.querySelectorAll('[tabindex="0"]').forEach((other) => {
      if (other !== el) other.tabIndex = -1;
    });
    el.tabIndex = 0;
    current = el;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function move(key, event) {
    const row = rowOf(current);
    const col = colOf(current);
    const sentence = current.classList.contains("sent");
    const all = dataRows();
    const index = rowIndex(row);
    const jump = (n, last) => itemAt(all[Math.max(0, Math.min(all.length - 1, n))], col, last);
    switch (key) {
      case "ArrowUp":
        if (sentence && current.previousElementSibling) return current.previousElementSibling;
        return index > 0 ? itemAt(all[index - 1], col, true) : null;
      case "ArrowDown":
        if (sentence && current.nextElementSibling) return current.nextElementSibling;
        return index < all.length - 1 ? itemAt(all[index + 1], col, false) : null;
      case "ArrowLeft": return col > 0 ? itemAt(row, col - 1, false) : null;
      case "ArrowRight": return itemAt(row, col + 1, false);
      case "Home": return event.ctrlKey ? jump(0, false) : itemAt(row, 0, false);
      case "End": return event.ctrlKey ? jump(all.length - 1, false)
        : itemAt(row, cellsOf(row).length - 1, false);
      case "PageUp": return jump(index - 10, false);
      case "PageDown": return jump(index + 10, false);
    }
    return null;
  }

  function nextToCheck(backwards) {
    const row = rowOf(current);
    const all = Array.from(dataRows());
    const start = rowIndex(row);
    for (let step = 1; step <= all.length; step++) {
      const n = (start + (backwards ? -step : step) + all.length) % all.length;
      if (all[n].classList.contains("look")) return itemAt(all[n], Math.max(colOf(current), 1));
    }
    say(msg.msgNothing);
    return null;
  }

  /* ---- operations ---- */

  const say = (text) => { status.textContent = text || ""; };

  function send(operation, values) {
    if (busy) return;
    setBusy(true);
    alertBox.textContent = "";
    if (operation === "realign") say(msg.msgRealigning);
    const row = rowOf(current);
    pending = { index: rowIndex(row), col: colOf(current), row: row && row.dataset.row };
    values = Object.assign({ revision: editState().dataset.revision, langs: msg.langs }, values);
    htmx.ajax("POST", msg.base + "/" + operation, {
      source: grid, target: "#rows", swap: "none", values: values,
    }).catch(() => setBusy(false));
  }

  function setBusy(on) {
    busy = on;
    if (on) grid.setAttribute("aria-busy", "true");
    else grid.removeAttribute("aria-busy");
  }

  const rowId = () => rowOf(current).dataset.row;
  const sentenceOf = () => (current.classList.contains("sent") ? current : null);
  const langOf = () => {
    const cell = current.closest(".cell");
    return cell ? cell.dataset.lang : "";
  };

  function withSentence(action) {
    const sentence = sentenceOf();
    if (!sentence) { say(msg.msgPick); return; }
    action(sentence);
  }

  const operations = {
    undo: () => send("undo", {}),
    redo: () => send("redo", {}),
    next: () => focusItem(nextToCheck(false)),
    previous: () => focusItem(nextToCheck(true)),
    merge: () => send("merge", { row: rowId() }),
    "merge-lang": () => {
      const lang = langOf();
      if (!lang) { say(msg.msgPick); return; }
      send("merge", { row: rowId(), lang: lang });
    },
    split: () => withSentence((s) => openEditor(s, "split")),
    edit: () => withSentence((s) => openEditor(s, "edit")),
    up: () => withSentence((s) => send("move", { sentence: s.dataset.sentence, direction: "up" })),
    down: () => withSentence((s) => send("move", { sentence: s.dataset.sentence, direction: "down" })),
    isolate: () => withSentence((s) => send("isolate", { sentence: s.dataset.sentence })),
    confirm: () => {
      const confirmed = rowOf(current).classList.contains("confirmed");
      advance = !confirmed;
      send("confirm", { row: rowId(), confirmed: confirmed ? "0" : "1" });
    },
    "confirm-through": () => send("confirm-through", { row: rowId() }),
    realign: () => send("realign", {}),
    help: () => { help.showModal(); },
  };

  function shortcut(event) {
    const ctrl = event.ctrlKey || event.metaKey;
    // Letters by physical key, so the shortcuts work on a Cyrillic layout too.
    if (ctrl && event.code === "KeyZ") return event.shiftKey ? "redo" : "undo";
    if (ctrl && event.code === "KeyY") return "redo";
    if (ctrl) return null;
    if (event.altKey && event.key === "ArrowUp") return "up";
    if (event.altKey && event.key === "ArrowDown") return "down";
    if (event.altKey) return null;
    if (event.key === "?") return "help";
    if (event.key === "Enter" || event.key === "F2") return "edit";
    if (event.key === "Insert") return "isolate";
    const letters = {
      KeyN: event.shiftKey ? "previous" : "next",
      KeyM: event.shiftKey ? "merge-lang" : "merge",
      KeyS: "split", KeyI: "isolate", KeyR: "realign",
      KeyC: event.shiftKey ? "confirm-through" : "confirm",
    };
    return letters[event.code] || null;
  }

  grid.addEventListener("keydown", (event) => {
    if (event.target.tagName === "TEXTAREA" || !current) return;
    const name = shortcut(event);
    if (name) {
      event.preventDefault();
      operations[name]();
      return;
    }
    const next = move(event.key, event);
    if (next || /^(Arrow|Home|End|Page)/.test(event.key)) event.preventDefault();
    if (next) focusItem(next);
  });

  // Ctrl+Z, ? and N work from anywhere on the page that is not a text field: N enters the
  // grid at the first row that needs a look.
  document.addEventListener("keydown", (event) => {
    if (grid.contains(event.target) || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) return;
    const name = shortcut(event);
    if (["undo", "redo", "help", "next", "previous"].includes(name)) {
      event.preventDefault();
      if (!current) focusItem(itemAt(dataRows()[0], 1));
      operations[name]();
    }
  });

  grid.addEventListener("focusin", (event) => {
    const el = event.target;
    if (el.classList.contains("sent") || el.classList.contains("head")
        || el.classList.contains("cell")) {
      if (current && current !== el) current.tabIndex = -1;
      el.tabIndex = 0;
      current = el;
    }
  });

  grid.addEventListener("dblclick", (event) => {
    const sentence = event.target.closest(".sent");
    if (sentence) { focusItem(sentence); openEditor(sentence, "edit"); }
  });

  document.querySelectorAll("[data-op]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!current) focusItem(itemAt(dataRows()[0], 1));
      const name = button.dataset.op;
      if (name !== "help") current.focus({ preventScroll: true });
      operations[name]();
    });
  });

  help.addEventListener("close", () => { if (current) current.focus(); });

  /* ---- editing a sentence's text, or choosing where to split it ---- */

  function openEditor(sentence, mode) {
    if (busy) return;
    const original = sentence.textContent;
    const box = document.createElement("textarea");
    box.className = "sent-editor";
    box.value = original;
    box.rows = Math.max(2, Math.ceil(original.length / 55));
    // Choosing a split point: the caret moves (arrows, Home, End, Ctrl+arrows, the mouse)
    // but the text does not change. (A read-only box gives Chromium no keyboard caret.)
    if (mode === "split") {
      box.addEventListener("beforeinput", (event) => event.preventDefault());
      box.addEventListener("drop", (event) => event.preventDefault());
    }
    box.setAttribute("aria-label", mode === "split" ? msg.msgSplit : msg.msgEdit);
    box.lang = sentence.closest(".cell").lang;
    sentence.hidden = true;
    sentence.after(box);
    box.style.height = box.scrollHeight + 4 + "px"; // the whole sentence, without scrolling
    box.focus();
    const at = mode === "split" ? middle(original) : original.length;
    box.setSelectionRange(at, at);
    say(mode === "split" ? msg.msgSplit : msg.msgEdit);

    let closed = false;
    const close = (refocus) => {
      if (closed) return;
      closed = true;
      box.remove();
      sentence.hidden = false;
      if (refocus) focusItem(sentence);
    };
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close(true);
      } else if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        const split = mode === "split" || event.altKey;
        if (split && box.value !== original) { say(msg.msgChanged); return; }
        // The server counts characters as Python does (code points), not UTF-16 units.
        const offset = Array.from(box.value.slice(0, box.selectionStart)).length;
        current = sentence;
        const values = split ? { sentence: sentence.dataset.sentence, offset: offset }
          : { sentence: sentence.dataset.sentence, text: box.value };
        close(false);
        send(split ? "split" : "text", values);
      }
    });
    box.addEventListener("blur", () => { if (box.isConnected && !busy) close(false); });
  }

  function middle(text) {
    // The word boundary nearest the middle: a sensible first guess for a split.
    const half = Math.floor(text.length / 2);
    for (let d = 0; d < half; d++) {
      if (text[half + d] === " ") return half + d + 1;
      if (text[half - d] === " ") return half - d + 1;
    }
    return half;
  }

  /* ---- after the server answered ---- */

  function renumber() {
    let n = 1;
    for (const row of dataRows()) row.querySelector(".num").textContent = n++;
  }

  function refreshCounts(detail) {
    for (const [name, steps] of [["undo", detail.undo], ["redo", detail.redo]]) {
      const button = document.querySelector('[data-op="' + name + '"]');
      if (button && steps !== undefined) button.disabled = !steps;
    }
  }

  function restoreFocus(detail) {
    let target = null;
    if (detail.focusSentence) target = document.getElementById("s-" + detail.focusSentence);
    const col = pending ? pending.col : 1;
    if (!target && detail.focusRow) {
      const row = document.getElementById("row-" + detail.focusRow);
      if (row) target = itemAt(advance ? row.nextElementSibling || row : row, col);
    }
    if (!target && current && current.isConnected) target = current;
    if (!target && pending) {
      const all = dataRows();
      target = itemAt(all[Math.min(pending.index, all.length - 1)], col);
    }
    advance = false;
    focusItem(target || itemAt(dataRows()[0], 1));
  }

  document.body.addEventListener("workbench:edited", (event) => {
    setBusy(false);
    if (event.detail.structural) renumber();
    refreshCounts(event.detail);
    restoreFocus(event.detail);
  });

  document.body.addEventListener("workbench:refused", (event) => {
    setBusy(false);
    advance = false;
    refreshCounts(event.detail);
    restoreFocus({});
  });

  document.body.addEventListener("htmx:sendError", () => {
    setBusy(false);
    alertBox.textContent = msg.msgFailed.replace("%s", "—");
  });
  document.body.addEventListener("htmx:responseError", (event) => {
    setBusy(false);
    alertBox.textContent = msg.msgFailed.replace("%s", event.detail.xhr.status);
    if (current && current.isConnected) focusItem(current);
  });

  // The first item takes part in the tab order until the translator moves.
  const first = itemAt(dataRows()[0], 1);
  if (first) { first.tabIndex = 0; current = first; }
})();
