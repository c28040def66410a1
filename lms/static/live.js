/* Live lines: text the server rendered into the page that a block's handler call may change without a
 * reload (the unit page's "Module: 1 of 2 done", courses/courseware).
 *
 * An element marked data-live-url (an aria-live region) is re-read from that URL, which answers JSON
 * {"line": text, "final": bool}, after a handler call of a block on the page succeeds. The calls are
 * noticed as the browser reports them (PerformanceObserver, resource entries), so no block's request is
 * wrapped or touched. When the browser exposes the call's Server-Timing, only a call the server marked
 * "progress" (it recorded a completion) leads to a read; otherwise every call does. Calls close together
 * lead to one read, only the latest read's answer is shown, and once an answer is final (completion only
 * grows) the line is left alone.
 * Without this script, or without JavaScript, the line is current at the next page load.
 */
(function () {
  "use strict";

  var lines = document.querySelectorAll("[data-live-url]");
  if (!lines.length || !window.PerformanceObserver || !window.fetch) { return; }

  var prefixes = [];
  var blocks = document.querySelectorAll("[data-handler-prefix]");
  for (var i = 0; i < blocks.length; i++) {
    prefixes.push(new URL(blocks[i].getAttribute("data-handler-prefix"), document.baseURI).href);
  }

  function isHandlerCall(url) {
    for (var i = 0; i < prefixes.length; i++) {
      if (url.indexOf(prefixes[i]) === 0) { return true; }
    }
    return false;
  }

  function mayHaveChanged(entry) {
    if (entry.responseStatus && (entry.responseStatus < 200 || entry.responseStatus >= 300)) { return false; }
    if (!entry.serverTiming) { return true; }  // not exposed by this browser (or not over HTTPS): ask anyway
    return entry.serverTiming.some(function (metric) { return metric.name === "progress"; });
  }

  var timer = null;
  var observer = null;
  var asked = 0;  // reads issued: only the answer to the latest is shown (an earlier one may arrive last)

  function refresh(line, turn) {
    fetch(line.getAttribute("data-live-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || typeof answer.line !== "string" || turn !== asked) { return; }
        if (line.textContent !== answer.line) { line.textContent = answer.line; }  // a live region speaks on change
        if (answer.final) { line.removeAttribute("data-live-url"); }
      })
      .catch(function () { /* offline or refused: the line stays as it was until the next page */ });
  }

  function refreshAll() {
    timer = null;
    var live = document.querySelectorAll("[data-live-url]");
    if (!live.length) { observer.disconnect(); return; }
    asked += 1;
    for (var i = 0; i < live.length; i++) { refresh(live[i], asked); }
  }

  observer = new PerformanceObserver(function (list) {
    var entries = list.getEntries();
    for (var i = 0; i < entries.length; i++) {
      if (isHandlerCall(entries[i].name) && mayHaveChanged(entries[i])) {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(refreshAll, 150);
        return;
      }
    }
  });
  try {
    observer.observe({ type: "resource" });
  } catch (ignored) {
    observer.observe({ entryTypes: ["resource"] });  // browsers before the "type" option
  }
})();
