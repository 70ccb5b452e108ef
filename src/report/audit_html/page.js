"use strict";
// Sorting and filtering of the roles table; the page is complete without it. No data lives
// here: everything is read from the table's cells and data-* attributes.
(function () {
  var root = document.documentElement;
  var table = document.getElementById("roles-table");
  if (!table) {
    root.setAttribute("data-ready", "1");
    return;
  }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var total = Number(table.getAttribute("data-rows")) || rows.length;
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var sorted = { col: -1, dir: 1 };
  var texts = new Map();

  function key(row, col) {
    var cell = row.cells[col];
    var k = cell.getAttribute("data-k");
    return k !== null ? Number(k) : cell.textContent.toLowerCase();
  }

  function sortBy(col) {
    sorted.dir = sorted.col === col ? -sorted.dir : 1;
    sorted.col = col;
    touched = true;
    allRows();
    applySort();
  }

  function applySort() {
    var col = sorted.col, dir = sorted.dir;
    if (col < 0) return;
    var decorated = rows.map(function (r, i) { return [key(r, col), i, r]; });
    decorated.sort(function (a, b) {
      if (a[0] < b[0]) return -dir;
      if (a[0] > b[0]) return dir;
      return a[1] - b[1];
    });
    rows = decorated.map(function (d) { return d[2]; });
    // Detached while the rows move: one style and layout pass instead of one per row.
    table.removeChild(tbody);
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    tbody.appendChild(frag);
    table.appendChild(tbody);
    heads.forEach(function (h, i) {
      if (i === col) h.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else h.removeAttribute("aria-sort");
    });
  }

  var form = document.getElementById("filters");
  var sev = document.getElementById("f-sev");
  var code = document.getElementById("f-code");
  var account = document.getElementById("f-account");
  var text = document.getElementById("f-text");
  var count = document.getElementById("f-count");
  // A sort or filter was asked for: redone over every row once they have all arrived.
  var touched = false;

  function lower(r) {
    var t = texts.get(r);
    if (t === undefined) {
      t = r.textContent.toLowerCase();
      texts.set(r, t);
    }
    return t;
  }

  // Whether a row passes the filters as they are set.
  function passes(r) {
    var s = sev.value, c = code.value, a = account.value;
    var q = text.value.trim().toLowerCase();
    return (!s || r.getAttribute("data-sev") === s)
      && (!c || (" " + r.getAttribute("data-codes") + " ").indexOf(" " + c + " ") >= 0)
      && (!a || r.getAttribute("data-account") === a)
      && (!q || lower(r).indexOf(q) >= 0);
  }

  function filter() {
    touched = true;
    allRows();
    var shown = 0;
    rows.forEach(function (r) {
      var ok = passes(r);
      r.hidden = !ok;
      if (ok) shown++;
    });
    var loading = total - rows.length;
    count.textContent = shown + " of " + rows.length + " roles shown"
      + (loading > 0 ? " (" + loading + " more loading)" : "");
  }

  heads.forEach(function (h, i) {
    var b = document.createElement("button");
    b.type = "button";
    b.title = "sort by " + h.textContent;
    while (h.firstChild) b.appendChild(h.firstChild);
    h.appendChild(b);
    b.addEventListener("click", function () { sortBy(i); });
  });
  [sev, code, account].forEach(function (el) { el.addEventListener("change", filter); });
  text.addEventListener("input", filter);
  form.hidden = false;
  count.textContent = total + " of " + total + " roles shown";

  // A link to a role's detail opens it; printing opens them all.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var d = id ? document.getElementById(id) : null;
    if (d && d.tagName === "DETAILS") d.open = true;
  }
  window.addEventListener("hashchange", openTarget);

  // The table's other rows and the role details come as <noscript> chunks, which a browser
  // running this script reads as text (fast); each becomes the elements it holds, one chunk per
  // task so the page stays responsive — the rows first, moved into the table. The text is the
  // page's own markup, every audited value escaped in it. A sort or filter acts on every row
  // arrived; the count says how many are still loading, and both are redone once all are in.
  var template = document.createElement("template");
  function materialize(ns) {
    template.innerHTML = ns.textContent;
    ns.replaceWith(template.content);
  }
  function moveRows(ns) {
    template.innerHTML = ns.textContent;
    var more = template.content.querySelector("tbody");
    var arrived = Array.prototype.slice.call(more ? more.rows : []);
    arrived.forEach(function (r) {
      if (touched) r.hidden = !passes(r);
      tbody.appendChild(r);
    });
    rows = rows.concat(arrived);
    ns.remove();
  }
  function pending(kind) {
    return Array.prototype.slice.call(document.querySelectorAll("noscript." + kind + "-chunk"));
  }
  // Every row chunk parsed so far, moved into the table at once.
  function allRows() { pending("rows").forEach(moveRows); }
  // The rows follow this script: one parsed chunk per task until the marker after the last
  // one is in; then a sort or filter asked for meanwhile is redone over them all.
  function rowStep() {
    var ns = pending("rows")[0];
    if (ns) {
      moveRows(ns);
      return setTimeout(rowStep, 0);
    }
    if (!document.getElementById("rows-end")) return setTimeout(rowStep, 16);
    if (touched) {
      applySort();
      filter();
    }
    root.setAttribute("data-rows-done", "1");
    whenParsed(function () { step(pending("details")); });
  }
  function step(chunks) {
    var ns = chunks.shift();
    if (!ns) {
      root.setAttribute("data-details", "1");
      openTarget();
      return;
    }
    materialize(ns);
    setTimeout(function () { step(chunks); }, 0);
  }
  function whenParsed(f) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", f);
    else f();
  }
  setTimeout(rowStep, 0);
  window.addEventListener("beforeprint", function () {
    allRows();
    pending("details").forEach(materialize);
    document.querySelectorAll("details.role").forEach(function (d) { d.open = true; });
  });
  root.setAttribute("data-ready", "1");
})();
