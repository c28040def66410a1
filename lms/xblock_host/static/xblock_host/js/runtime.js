/* tot-lms browser runtime for XBlocks (runtime version 1).
 *
 * Finds every .xblock-v1 element, initialises children before parents, and isolates failures: a block
 * whose JavaScript throws is marked and reported, the others still start. Handler URLs come from the
 * signed data-handler-prefix the server put on each block, so no cookie or CSRF header is involved.
 */
(function () {
  "use strict";

  // Globals community blocks assume from Open edX pages.
  window.gettext = window.gettext || function (s) { return s; };
  window.ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  window.interpolate = window.interpolate || function (fmt, obj, named) {
    if (named) { return fmt.replace(/%\(\w+\)s/g, function (m) { return String(obj[m.slice(2, -2)]); }); }
    return fmt.replace(/%s/g, function () { return String(obj.shift()); });
  };
  window.Logger = window.Logger || { log: function () {}, listen: function () {} };

  // Translated by the server into the page (see lms/xblock_host/page.py).
  var strings = {};
  try {
    var tag = document.getElementById("xblock-runtime-strings");
    if (tag) { strings = JSON.parse(tag.textContent); }
  } catch (ignored) { strings = {}; }
  function runtimeString(key, fallback) { return strings[key] || fallback; }

  function blockRoot(element) {
    while (element && !(element.classList && element.classList.contains("xblock-v1"))) { element = element.parentNode; }
    return element;
  }

  function childBlocks(element) {
    var found = [];
    (function walk(node) {
      for (var i = 0; i < node.children.length; i++) {
        var child = node.children[i];
        if (child.classList.contains("xblock-v1")) { found.push(child); } else { walk(child); }
      }
    })(element);
    return found;
  }

  function RuntimeV1() {}
  RuntimeV1.prototype.handlerUrl = function (element, handlerName, suffix, query) {
    var root = blockRoot(element && element.jquery ? element[0] : element);
    var url = root.getAttribute("data-handler-prefix") + encodeURIComponent(handlerName) + "/" + (suffix || "");
    if (query) { url += (url.indexOf("?") === -1 ? "?" : "&") + query; }
    return url;
  };
  RuntimeV1.prototype.children = function (element) {
    return childBlocks(element && element.jquery ? element[0] : element).map(function (el) { return el.xblock; });
  };
  RuntimeV1.prototype.childMap = function (element, name) {
    var kids = childBlocks(element && element.jquery ? element[0] : element);
    for (var i = 0; i < kids.length; i++) {
      if (kids[i].getAttribute("data-name") === name) { return kids[i].xblock; }
    }
    return undefined;
  };
  // Studio editors report "save"/"cancel"/"error"; the page around them decides what to do.
  RuntimeV1.prototype.notify = function (name, data) {
    document.dispatchEvent(new CustomEvent("xblock:notify", { detail: { name: name, data: data || {} } }));
  };

  function initArgs(element) {
    for (var i = 0; i < element.children.length; i++) {
      var child = element.children[i];
      if (child.classList.contains("xblock_json_init_args")) { return JSON.parse(child.textContent); }
    }
    return undefined;
  }

  function reportFailure(element, error) {
    element.classList.add("xblock-failed");
    var note = document.createElement("p");
    note.className = "xblock-error";
    note.setAttribute("role", "alert");
    note.textContent = runtimeString("blockFailed", "This activity could not start. Reload the page to try again.");
    element.insertBefore(note, element.firstChild);
    if (window.console) { console.error("XBlock " + element.getAttribute("data-usage") + " failed:", error); }
  }

  function initBlock(element) {
    childBlocks(element).forEach(initBlock);
    if (element.classList.contains("xblock-initialized")) { return; }
    element.classList.add("xblock-initialized");
    var name = element.getAttribute("data-init");
    if (!name) { return; }
    try {
      var init = window[name];
      if (typeof init !== "function") { throw new Error("no initialiser named " + name); }
      var args = initArgs(element);
      var runtime = new RuntimeV1();
      element.xblock = init.length > 2 || args !== undefined ? new init(runtime, element, args) : new init(runtime, element);
      if (element.xblock && typeof element.xblock === "object") { element.xblock.element = element; }
    } catch (error) {
      reportFailure(element, error);
    }
  }

  // Packages written for pages that run inline handlers keep a link or a submit button from navigating
  // with onclick="return false;" (poll's editor). Our pages run no inline handler (lms/csp.py), so the
  // runtime does what that one handler says; it never evaluates an attribute.
  var RETURN_FALSE = /^\s*return\s+false\s*;?\s*$/;
  function preventDefault(event) { event.preventDefault(); }
  function keepReturnFalse(scope) {
    var found = scope.querySelectorAll(".xblock-v1 [onclick]");
    for (var i = 0; i < found.length; i++) {
      if (!found[i].xblockReturnFalse && RETURN_FALSE.test(found[i].getAttribute("onclick"))) {
        found[i].xblockReturnFalse = true;
        found[i].addEventListener("click", preventDefault);
      }
    }
  }

  function initializeBlocks(root) {
    var scope = root || document;
    keepReturnFalse(scope);
    var tops = [];
    var all = scope.querySelectorAll(".xblock-v1");
    for (var i = 0; i < all.length; i++) {
      var parent = all[i].parentNode ? blockRoot(all[i].parentNode) : null;
      if (!parent || (root && !root.contains(parent))) { tops.push(all[i]); }
    }
    tops.forEach(initBlock);
  }

  window.XBlock = window.XBlock || {};
  window.XBlock.Runtime = { v1: RuntimeV1 };
  window.XBlock.initializeBlocks = initializeBlocks;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initializeBlocks(); });
  } else {
    initializeBlocks();
  }
})();
