/* Schema browser behaviour: search over every version, keyboard navigation, copy buttons.
   Hand-written, no framework. The index comes from search-index.js (a script, so file:// works). */
(function () {
  "use strict";

  var root = document.body.getAttribute("data-root") || "";
  var index = window.HUB_SEARCH_INDEX || { versions: [], types: [] };
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-panel");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var LIMIT = 40;

  // Same rule as paths.field_anchor / paths.value_anchor in the generator.
  function anchor(prefix, name) { return prefix + name.replace(/\s/g, "_"); }

  // Best match of one lower-cased word in one entry: {score, hit} or null.
  function matchWord(entry, word) {
    var name = entry.n.toLowerCase();
    var best = { score: 0, hit: null };
    function offer(score, hit) { if (score > best.score) { best = { score: score, hit: hit }; } }
    if (name === word) { offer(100, null); }
    else if (name.indexOf(word) === 0) { offer(60, null); }
    else if (name.indexOf(word) >= 0) { offer(40, null); }
    if ((entry.a + "." + name) === word) { offer(100, null); }
    entry.f.forEach(function (field) {
      var member = field[0].toLowerCase();
      var hit = { label: "member", text: field[0], anchor: anchor("field-", field[0]) };
      if (member === word) { offer(35, hit); }
      else if (member.indexOf(word) >= 0) { offer(20, hit); }
    });
    entry.e.forEach(function (value) {
      var text = value[0].toLowerCase();
      var hit = { label: "value", text: value[0], anchor: value[1] };
      if (text === word) { offer(30, hit); }
      else if (text.indexOf(word) >= 0) { offer(15, hit); }
    });
    if (best.score === 0 && entry.a === word) { offer(4, null); }
    if (best.score === 0 && entry.s.toLowerCase().indexOf(word) >= 0) { offer(5, null); }
    if (best.score === 0) {
      entry.f.some(function (field) {
        if (field[1].toLowerCase().indexOf(word) >= 0) {
          offer(3, { label: "member", text: field[0], anchor: anchor("field-", field[0]) });
          return true;
        }
        return false;
      });
    }
    return best.score > 0 ? best : null;
  }

  // Every word must match somewhere; the strongest member or value hit is shown.
  function search(query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { return []; }
    var found = [];
    index.types.forEach(function (entry, order) {
      var total = 0;
      var hit = null;
      var hitScore = -1;
      for (var i = 0; i < words.length; i++) {
        var m = matchWord(entry, words[i]);
        if (!m) { return; }
        total += m.score;
        if (m.hit && m.score > hitScore) { hit = m.hit; hitScore = m.score; }
      }
      found.push({ entry: entry, score: total, hit: hit, order: order });
    });
    found.sort(function (x, y) {
      return y.score - x.score || (x.entry.n < y.entry.n ? -1 : x.entry.n > y.entry.n ? 1 : x.order - y.order);
    });
    return found;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function render(query) {
    var results = search(query);
    list.textContent = "";
    if (!query.trim()) { close(); return; }
    results.slice(0, LIMIT).forEach(function (result) {
      var entry = result.entry;
      var link = element("a");
      link.href = root + entry.u + (result.hit ? "#" + encodeURIComponent(result.hit.anchor) : "");
      link.appendChild(element("span", "hit-name", entry.n));
      link.appendChild(element("span", "hit-where", entry.a + " \u00b7 " + entry.v + " \u00b7 " + entry.k));
      if (result.hit) {
        var match = element("span", "hit-match", result.hit.label + " ");
        match.appendChild(element("code", "", result.hit.text));
        link.appendChild(match);
      }
      if (entry.s) { link.appendChild(element("span", "hit-summary", entry.s)); }
      var item = element("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    var shown = Math.min(results.length, LIMIT);
    status.textContent = results.length === 0 ? "No type matches \u201c" + query.trim() + "\u201d."
      : results.length + (results.length === 1 ? " result" : " results") +
        (shown < results.length ? ", first " + shown + " shown" : "") + " \u2014 \u2193 \u2191 to move, Enter to open";
    panel.hidden = false;
  }

  function close() { panel.hidden = true; }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

  if (input) {
    input.addEventListener("input", function () { render(input.value); });
    input.addEventListener("focus", function () { if (input.value.trim()) { render(input.value); } });
    input.addEventListener("keydown", function (event) {
      var all = links();
      if (event.key === "ArrowDown" && all.length) { event.preventDefault(); all[0].focus(); }
      else if (event.key === "Enter" && all.length) { event.preventDefault(); window.location.href = all[0].href; }
      else if (event.key === "Escape") { input.value = ""; close(); }
    });
    list.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown") { event.preventDefault(); all[Math.min(at + 1, all.length - 1)].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); if (at <= 0) { input.focus(); } else { all[at - 1].focus(); } }
      else if (event.key === "Home") { event.preventDefault(); all[0].focus(); }
      else if (event.key === "End") { event.preventDefault(); all[all.length - 1].focus(); }
      else if (event.key === "Escape") { event.preventDefault(); close(); input.focus(); }
    });
    document.addEventListener("keydown", function (event) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (event.key === "/" && !typing) { event.preventDefault(); input.focus(); input.select(); }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest || !event.target.closest(".search")) { close(); }
    });
  }

  // Copy buttons: the text is the button's data-copy, exactly what the block beside it shows.
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function flash(button, label, ok) {
    var first = button.firstChild;
    var original = button.getAttribute("data-label") || first.nodeValue;
    button.setAttribute("data-label", original);
    first.nodeValue = label + " ";
    button.classList.toggle("copied", ok);
    window.setTimeout(function () { first.nodeValue = original; button.classList.remove("copied"); }, 1500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) { return; }
    copy(button.getAttribute("data-copy")).then(
      function () { flash(button, "Copied", true); },
      function () { flash(button, "Select and press Ctrl+C", false); });
  });
}());
