/* The alignment editor's keyboard behaviour (WAI-ARIA grid pattern, roving tabindex).
 *
 * The operations live on the server: this file only tracks the focus, sends the focused
 * row / sentence to an operation through htmx, and puts the focus back after the swap.
 * Focusable items: a row's header cell (column 0), each sentence, and empty cells.
 *
 * Also here, because they only change what this browser shows: the compact layout, the
 * column widths (both remembered in localStorage), and finding rows (search, filters, go to
 * row), which hides rows without asking the server.
 */
(function () {
  "use strict";

  const grid = document.getElementById("grid");
  if (!grid || !window.htmx) return;
  let rows = document.getElementById("rows"); // replaced whole after a bulk edit
  const editState = () => document.getElementById("edit-state");
  const status = document.getElementById("status");
  const alertBox = document.getElementById("alert");
  const help = document.getElementById("help");
  const msg = grid.dataset;

  let current = null; // the focused item
  let busy = false; // one operation at a time: each one needs the revision of the last
  let pending = null; // where the focus was when an operation was sent
  let advance = false; // after confirming, go to the next row (as CAT tools do)
  // The re-align job followed (its status and result URLs, what the status area says):
  // meanwhile the Re-align button and R are disabled, and no other edit is sent (it would
  // make the job's revision stale).
  let realigning = null;
  const realignButton = document.querySelector('[data-op="realign"]');
  const POLL_EVERY = 1000; // ms between two looks at the job's progress

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
  let filtering = false; // some rows are hidden by the search or the filters
  // The rows the keyboard moves through: those shown.
  const dataRows = () => (filtering
    ? Array.prototype.filter.call(rows.children, (row) => !row.hidden) : rows.children);
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
    if (!all.length) return null;
    const start = Math.max(all.indexOf(row), backwards ? 0 : -1);
    for (let step = 1; step <= all.length; step++) {
      const n = (start + (backwards ? -step : step) + all.length) % all.length;
      if (all[n].classList.contains("look")) {
        // at the first version the aligner is unsure of, when it marks one: read it first
        const unsure = cellsOf(all[n]).findIndex((cell) => cell.classList.contains("unsure"));
        return itemAt(all[n], unsure > 0 ? unsure : Math.max(colOf(current), 1));
      }
    }
    say(msg.msgNothing);
    // the focus stays in the grid (where it was, else on the first row), not on the page
    return current && current.isConnected ? current : itemAt(all[0], 1);
  }

  /* ---- operations ---- */

  // The status says what just happened; it goes after a while (an alert stays until the
  // next operation), so it does not sit over the rows for the rest of the session.
  let quiet = 0;
  const say = (text) => {
    status.textContent = text || "";
    clearTimeout(quiet);
    if (text) {
      quiet = setTimeout(() => {
        if (status.textContent === text && !grid.querySelector(".sent-editor")) say("");
      }, 12000);
    }
  };

  // A role that may not change the set: every change is said to be refused here, at once.
  const readOnly = () => {
    if (!msg.readOnly) return false;
    alertBox.textContent = msg.readOnly;
    return true;
  };

  function send(operation, values) {
    if (readOnly()) return;
    if (realigning) { say(realigning.said); return; }
    if (busy) return;
    setBusy(true);
    alertBox.textContent = "";
    remember();
    values = Object.assign({ revision: editState().dataset.revision, langs: msg.langs }, values);
    htmx.ajax("POST", msg.base + "/" + operation, {
      source: grid, target: "#rows", swap: "none", values: values,
    }).catch(() => setBusy(false));
  }

  // Where the focus was when an operation was sent: it goes back there after the answer.
  function remember() {
    const row = rowOf(current);
    pending = { index: rowIndex(row), col: colOf(current), row: row && row.dataset.row };
  }

  /* ---- re-aligning: a job on the server, followed here ---- */

  const number = (n) => Number(n).toLocaleString(document.documentElement.lang || undefined);

  // The POST asks for the job (JSON); it goes through htmx like every edit, so that a
  // refusal (a stale page, a malformed request) is answered and shown as any other.
  function startRealign() {
    if (readOnly()) return;
    if (realigning) { say(realigning.said); return; }
    if (busy) return;
    setBusy(true);
    alertBox.textContent = "";
    remember();
    realigning = { said: msg.msgRealigning, statusUrl: null, resultUrl: null, misses: 0 };
    if (realignButton) realignButton.disabled = true;
    say(msg.msgRealigning);
    htmx.ajax("POST", msg.base + "/realign", {
      source: grid, target: "#rows", swap: "none",
      headers: { Accept: "application/json" },
      values: { revision: editState().dataset.revision, langs: msg.langs },
    }).catch(() => { setBusy(false); endRealign(); });
  }

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (!realigning || realigning.statusUrl || !xhr
        || event.detail.requestConfig.verb !== "post") return;
    let job = null;
    try { job = xhr.status === 202 ? JSON.parse(xhr.responseText) : null; } catch (e) { job = null; }
    if (!job || !job.status_url) { endRealign(); return; } // refused: said as any refusal
    setBusy(false);
    realigning.statusUrl = job.status_url;
    realigning.resultUrl = job.result_url;
    follow(job);
  });

  // The job's progress in the status area, in words and as a bar; once it has ended, its
  // result.
  const progressBar = document.getElementById("work-progress");

  function follow(job) {
    if (!realigning) return;
    if (job.total) {
      const said = fill(msg.msgRealignProgress, { done: number(job.done), total: number(job.total) });
      if (said !== realigning.said) { realigning.said = said; say(said); }
      if (progressBar) {
        progressBar.max = job.total;
        progressBar.value = Math.min(job.done, job.total);
        progressBar.hidden = false;
      }
    }
    if (job.state === "queued" || job.state === "running") {
      setTimeout(poll, POLL_EVERY);
    } else {
      showResult();
    }
  }

  function poll() {
    if (!realigning) return;
    fetch(realigning.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((answer) => (answer.ok ? answer.json() : Promise.reject(answer.status)))
      .then((job) => { realigning.misses = 0; follow(job); })
      .catch((status) => {
        // A moment without the server (a restart): look again a few times, then say so.
        if (realigning && ++realigning.misses < 5) { setTimeout(poll, POLL_EVERY * 2); return; }
        endRealign();
        alertBox.textContent = msg.msgFailed.replace("%s", typeof status === "number" ? status : "—");
      });
  }

  // The server's answer for the ended job (the new grid and the edit's message, or the
  // failure), handled as any edit's answer (workbench:edited / workbench:refused).
  function showResult() {
    const url = realigning.resultUrl + "?langs=" + encodeURIComponent(msg.langs);
    endRealign();
    setBusy(true);
    htmx.ajax("GET", url, { source: grid, target: "#rows", swap: "none" })
      .catch(() => setBusy(false));
  }

  function endRealign() {
    realigning = null;
    if (realignButton) realignButton.disabled = false;
    if (progressBar) progressBar.hidden = true;
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
    realign: () => startRealign(),
    help: () => { help.showModal(); },
    search: () => { search.focus(); search.select(); },
    goto: () => { goTo.focus(); goTo.select(); },
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
    if (event.key === "/" || (event.code === "Slash" && !event.shiftKey)) return "search";
    if (event.key === "Enter" || event.key === "F2") return "edit";
    if (event.key === "Insert") return "isolate";
    const letters = {
      KeyN: event.shiftKey ? "previous" : "next",
      KeyM: event.shiftKey ? "merge-lang" : "merge",
      KeyS: "split", KeyI: "isolate", KeyR: "realign", KeyG: event.shiftKey ? null : "goto",
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

  // Ctrl+Z, ?, N, / and G work from anywhere on the page that is not a text field, from
  // page load on: N enters the grid at the first row that needs a look.
  document.addEventListener("keydown", (event) => {
    if (grid.contains(event.target) || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)
        || help.open) return;
    const name = shortcut(event);
    if (["undo", "redo", "help", "next", "previous", "search", "goto"].includes(name)) {
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
      if (!current || !current.isConnected) focusItem(itemAt(dataRows()[0], 1));
      if (!current) return;
      const name = button.dataset.op;
      if (name !== "help") current.focus({ preventScroll: true });
      operations[name]();
    });
  });

  help.addEventListener("close", () => { if (current) current.focus(); });

  /* ---- editing a sentence's text, or choosing where to split it ---- */

  function openEditor(sentence, mode) {
    if (readOnly()) return;
    if (realigning) { say(realigning.said); return; }
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
        say(""); // the box's instructions go with it
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
    // Leaving the box (Tab, a click elsewhere) keeps what was typed, as a spreadsheet
    // does: a changed text is saved; a split point is only chosen with Enter.
    box.addEventListener("blur", () => {
      if (closed || !box.isConnected || busy) return; // closed by Enter or Escape
      const changed = mode !== "split" && box.value !== original;
      const values = { sentence: sentence.dataset.sentence, text: box.value };
      close(false);
      if (changed) {
        current = sentence;
        send("text", values);
      }
    });
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
    for (const row of rows.children) row.querySelector(".num").textContent = n++;
    markParagraphs();
  }

  // A row whose first sentence opens another paragraph than the row above gets a rule.
  function markParagraphs() {
    let above = null;
    for (const row of rows.children) {
      const paragraph = row.dataset.p;
      row.classList.toggle("pstart", above !== null && paragraph !== undefined
        && paragraph !== above);
      if (paragraph !== undefined) above = paragraph;
    }
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
      if (row) target = itemAt(advance ? nextShown(row) || row : row, col);
    }
    if (!target && current && current.isConnected) target = current;
    if (!target && pending) {
      const all = dataRows();
      target = itemAt(all[Math.min(pending.index, all.length - 1)], col);
    }
    advance = false;
    target = target || itemAt(dataRows()[0], 1);
    // The row the translator works on stays in sight, even when it no longer matches.
    if (target && rowOf(target) && rowOf(target).hidden) {
      rowOf(target).hidden = false;
      sayShown();
    }
    focusItem(target);
  }

  function nextShown(row) {
    let next = row.nextElementSibling;
    while (next && next.hidden) next = next.nextElementSibling;
    return next;
  }

  // The whole grid comes back (a bulk edit, or a stale one): the old rows go first, so that
  // htmx does not match thousands of old rows to new ones by id to animate the change.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("Workbench-Whole-Grid")) rows.replaceChildren();
  });
  document.body.addEventListener("htmx:oobAfterSwap", () => {
    rows = document.getElementById("rows");
  });

  document.body.addEventListener("workbench:edited", (event) => {
    setBusy(false);
    if (event.detail.structural) renumber();
    else markParagraphs();
    refreshCounts(event.detail);
    applyFind();
    restoreFocus(event.detail);
  });

  document.body.addEventListener("workbench:refused", (event) => {
    setBusy(false);
    advance = false;
    if (event.detail.stale) renumber();
    refreshCounts(event.detail);
    applyFind();
    restoreFocus({});
  });

  // A refusal that is not the editor's own (sign in first, a role that may not edit, the
  // database cannot be reached: 503): its page has no trigger for workbench:refused, so the
  // editor frees itself here and shows the server's sentence; the rows stay as they were.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400 || (xhr.status >= 500 && xhr.status !== 503)) return;
    if ((xhr.getResponseHeader("HX-Trigger-After-Settle") || "").indexOf("workbench:") >= 0) return;
    setBusy(false);
    alertBox.textContent = refusalOf(xhr);
    if (current && current.isConnected) focusItem(current);
  });

  function refusalOf(xhr) {
    try {
      if ((xhr.getResponseHeader("Content-Type") || "").indexOf("json") >= 0) {
        const said = JSON.parse(xhr.responseText).error;
        if (said) return said;
      } else {
        const said = new DOMParser().parseFromString(xhr.responseText, "text/html")
          .querySelector(".message");
        if (said && said.textContent.trim()) return said.textContent.trim();
      }
    } catch (e) { /* not the workbench's error page */ }
    return msg.msgFailed.replace("%s", xhr.status);
  }

  document.body.addEventListener("htmx:sendError", () => {
    setBusy(false);
    alertBox.textContent = msg.msgFailed.replace("%s", "—");
  });
  document.body.addEventListener("htmx:responseError", (event) => {
    setBusy(false);
    alertBox.textContent = msg.msgFailed.replace("%s", event.detail.xhr.status);
    if (current && current.isConnected) focusItem(current);
  });

  /* ---- finding one's way: search, filters, go to row ---- */

  const search = document.getElementById("row-search");
  const stateFilter = document.getElementById("row-filter");
  const shapeFilter = document.getElementById("row-shape");
  const goTo = document.getElementById("go-to-row");
  const findCount = document.getElementById("find-count");
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (m, key) => values[key]);
  const textOf = (row) => Array.prototype.map.call(row.querySelectorAll(".sent"),
    (s) => s.textContent).join("\n").toLocaleLowerCase();

  function matches(row, text, state, shape) {
    if (state === "look" && !row.classList.contains("look")) return false;
    if (state === "confirmed" && !row.classList.contains("confirmed")) return false;
    if (state === "unconfirmed" && row.classList.contains("confirmed")) return false;
    const counts = row.dataset.shape.split("-");
    if (shape === "odd" ? counts.every((n) => n === "1") : shape && row.dataset.shape !== shape) {
      return false;
    }
    return !text || textOf(row).includes(text);
  }

  // Show only the rows that match; say how many, and mark the text found.
  function applyFind() {
    const text = search.value.trim().toLocaleLowerCase();
    const state = stateFilter.value;
    const shape = shapeFilter.value;
    filtering = Boolean(text || state || shape);
    for (const row of rows.children) {
      const show = !filtering || matches(row, text, state, shape);
      if (row.hidden === show) row.hidden = !show;
    }
    sayShown();
    highlight(text);
    refreshShapes();
    goTo.max = String(rows.children.length);
  }

  function sayShown() {
    const total = rows.children.length;
    const shown = filtering ? dataRows().length : total;
    findCount.textContent = !filtering ? ""
      : shown ? fill(msg.msgShown, { shown: shown, total: total }) : msg.msgNoneShown;
  }

  function highlight(text) {
    if (!window.CSS || !CSS.highlights || !window.Highlight) return;
    CSS.highlights.delete("row-search");
    if (!text) return;
    const ranges = [];
    for (const sentence of rows.querySelectorAll(".erow:not([hidden]) .sent")) {
      const node = sentence.firstChild;
      if (!node || node.nodeType !== Node.TEXT_NODE) continue;
      const lower = node.data.toLocaleLowerCase();
      for (let at = lower.indexOf(text); at >= 0 && ranges.length < 2000;
        at = lower.indexOf(text, at + text.length)) {
        const range = new Range();
        range.setStart(node, at);
        range.setEnd(node, at + text.length);
        ranges.push(range);
      }
    }
    CSS.highlights.set("row-search", new Highlight(...ranges));
  }

  // The shapes the set has now, as choices of the shape filter (after the fixed ones).
  function refreshShapes() {
    const shapes = new Set();
    for (const row of rows.children) shapes.add(row.dataset.shape);
    const fixed = Array.from(shapeFilter.options).slice(0, 2);
    const chosen = shapeFilter.value;
    const wanted = Array.from(shapes).sort();
    const have = Array.from(shapeFilter.options).slice(2).map((o) => o.value);
    if (wanted.join() === have.join()) return;
    shapeFilter.replaceChildren(...fixed, ...wanted.map((shape) => new Option(shape, shape)));
    if (chosen && !shapes.has(chosen) && chosen !== "odd") shapeFilter.value = "";
    else shapeFilter.value = chosen;
  }

  function clearFind() {
    search.value = "";
    stateFilter.value = "";
    shapeFilter.value = "";
    applyFind();
  }

  // Into the grid: the focused row when it is shown, else the first row shown.
  function backToGrid(first) {
    const row = current && current.isConnected && rowOf(current);
    const target = !first && row && !row.hidden ? current : itemAt(dataRows()[0], 1);
    if (target) focusItem(target);
  }

  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(applyFind, rows.children.length > 500 ? 200 : 60);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === "ArrowDown" || event.key === "Escape") {
      event.preventDefault();
      clearTimeout(typing);
      applyFind();
      backToGrid(event.key !== "Escape");
    }
  });
  for (const select of [stateFilter, shapeFilter]) {
    select.addEventListener("change", applyFind);
    select.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.preventDefault(); backToGrid(false); }
    });
  }

  function goToRow() {
    const all = rows.children;
    const number = Number.parseInt(goTo.value, 10);
    if (!(number >= 1 && number <= all.length)) {
      say(fill(msg.msgNoRow, { number: goTo.value || "?", last: all.length }));
      return;
    }
    const row = all[number - 1];
    if (row.hidden) {
      clearFind();
      say(fill(msg.msgCleared, { number: number }));
    }
    const col = current && current.isConnected ? Math.max(colOf(current), 1) : 1;
    focusItem(itemAt(row, col));
    row.scrollIntoView({ block: "center" });
  }
  goTo.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); goToRow(); }
    else if (event.key === "Escape") { event.preventDefault(); backToGrid(false); }
  });

  /* ---- the layout: compact, column widths ---- */

  const store = {
    get(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } },
    set(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ } },
  };
  const compactButton = document.getElementById("compact");
  function setCompact(on) {
    document.documentElement.classList.toggle("compact", on);
    compactButton.setAttribute("aria-pressed", on ? "true" : "false");
  }
  const chosenCompact = store.get("workbench.editor.compact");
  setCompact(chosenCompact === null ? window.innerHeight <= 800 : chosenCompact === "1");
  compactButton.addEventListener("click", () => {
    const on = !document.documentElement.classList.contains("compact");
    setCompact(on);
    store.set("workbench.editor.compact", on ? "1" : "0");
    if (current && current.isConnected) current.scrollIntoView({ block: "nearest" });
  });

  const WIDTHS = "workbench.editor.widths";
  let widths = {};
  try { widths = JSON.parse(store.get(WIDTHS) || "{}") || {}; } catch (e) { widths = {}; }
  const headers = Array.from(grid.querySelectorAll(".ehead [data-column]"));

  function applyWidths() {
    const columns = headers.map((header, n) => {
      const width = widths[header.dataset.column];
      if (width) return width + "px";
      return n === 0 ? "var(--head-w)" : "minmax(var(--col-min), 1fr)";
    });
    grid.style.setProperty("--cols", columns.join(" "));
  }

  const headerOf = (column) => headers.find((header) => header.dataset.column === column);
  const widthOf = (header) => header.getBoundingClientRect().width;

  function setWidth(header, width, keep = true) {
    if (width === null) delete widths[header.dataset.column];
    else widths[header.dataset.column] = Math.max(header.dataset.column === "#head" ? 48 : 96,
      Math.min(1600, Math.round(width)));
    applyWidths();
    if (keep) store.set(WIDTHS, JSON.stringify(widths));
  }

  // The mouse drags a column's right edge; the Columns menu has buttons for the keyboard.
  for (const header of headers) {
    const handle = header.querySelector(".col-resize");
    handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      const start = event.clientX;
      const width = widthOf(header);
      const drag = (e) => setWidth(header, width + e.clientX - start, false);
      const stop = () => {
        handle.removeEventListener("pointermove", drag);
        handle.removeEventListener("pointerup", stop);
        store.set(WIDTHS, JSON.stringify(widths));
      };
      handle.addEventListener("pointermove", drag);
      handle.addEventListener("pointerup", stop);
    });
    handle.addEventListener("dblclick", () => setWidth(header, null));
  }
  document.querySelectorAll("[data-resize]").forEach((button) => {
    button.addEventListener("click", () => {
      const header = headerOf(button.dataset.resize);
      if (header) setWidth(header, widthOf(header) + Number(button.dataset.step));
    });
  });
  document.getElementById("reset-widths").addEventListener("click", () => {
    widths = {};
    store.set(WIDTHS, "{}");
    applyWidths();
  });
  applyWidths();
  markParagraphs();
  refreshShapes();

  // The first item takes part in the tab order until the translator moves.
  const first = itemAt(dataRows()[0], 1);
  if (first) { first.tabIndex = 0; current = first; }

  // A re-align still running when the page was loaded (a reload, another tab): followed
  // as if this page had asked for it.
  const running = editState().dataset;
  if (running.realignStatus) {
    realigning = { said: msg.msgRealigning, statusUrl: running.realignStatus,
                   resultUrl: running.realignResult, misses: 0 };
    if (realignButton) realignButton.disabled = true;
    say(msg.msgRealigning);
    poll();
  }
})();
