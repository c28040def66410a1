/* The step-list editor of a skill checklist: progressive enhancement of the one-step-per-line textarea.
 *
 * Without JavaScript the author edits the textarea (one step per line, "!" before a must-pass step) and the
 * server matches lines to the stored steps. With it, each step is a row (its text, a must-pass checkbox,
 * move up/down, remove) and "Add a step" adds one. Every change is written back to the textarea in the
 * same format, and the steps' ids, in the same order, to a hidden "<name>__ids" field (null for a new
 * step), so a step moved and reworded at once keeps its id: learners' answers stay attached to it.
 * The textarea stays in the form (hidden) and is what is submitted. */
(function () {
  "use strict";
  var MARK = "!";

  function parseLines(text) {
    return text.split(/\r?\n/).map(function (line) { return line.trim(); }).filter(Boolean).map(function (line) {
      var mustPass = line.charAt(0) === MARK;
      return { text: mustPass ? line.slice(1).trim() : line, mustPass: mustPass };
    });
  }

  function button(label, text, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary " + (className || "");
    b.setAttribute("aria-label", label);
    b.title = label;
    b.textContent = text;
    return b;
  }

  function enhance(textarea) {
    var steps = parseLines(textarea.value);
    var ids = [];
    try { ids = JSON.parse(textarea.getAttribute("data-step-ids") || "[]"); } catch (e) { ids = []; }
    if (!Array.isArray(ids) || ids.length !== steps.length) { ids = steps.map(function () { return null; }); }
    steps.forEach(function (step, i) { step.id = typeof ids[i] === "string" ? ids[i] : null; });

    var label = function (name, fallback) { return textarea.getAttribute("data-label-" + name) || fallback; };
    var idsInput = document.createElement("input");
    idsInput.type = "hidden";
    idsInput.name = textarea.name + "__ids";
    var list = document.createElement("ol");
    list.className = "step-list";
    var add = button(label("add", "Add a step"), label("add", "Add a step"), "step-add");
    var count = 0;

    function sync() {
      textarea.value = steps.map(function (s) { return (s.mustPass ? MARK + " " : "") + s.text.trim(); })
        .filter(function (line) { return line.replace(MARK, "").trim(); }).join("\n");
      idsInput.value = JSON.stringify(steps.filter(function (s) { return s.text.trim(); })
        .map(function (s) { return s.id; }));
    }

    function render(focusIndex, focusSelector) {
      list.textContent = "";
      steps.forEach(function (step, i) {
        var n = i + 1;
        var row = document.createElement("li");
        row.className = "step-row";
        var textId = textarea.id + "-step-" + (++count);
        var text = document.createElement("input");
        text.type = "text";
        text.id = textId;
        text.className = "step-text";
        text.maxLength = 500;
        text.value = step.text;
        text.setAttribute("aria-label", label("step", "Step") + " " + n);
        text.addEventListener("input", function () { step.text = text.value; sync(); });
        var must = document.createElement("input");
        must.type = "checkbox";
        must.id = textId + "-must";
        must.className = "step-must";
        must.checked = step.mustPass;
        must.addEventListener("change", function () { step.mustPass = must.checked; sync(); });
        var mustLabel = document.createElement("label");
        mustLabel.htmlFor = must.id;
        mustLabel.textContent = label("must", "Must pass");
        var up = button(label("up", "Move up") + " " + n, "↑", "step-up");
        up.disabled = i === 0;
        up.addEventListener("click", function () { move(i, -1); });
        var down = button(label("down", "Move down") + " " + n, "↓", "step-down");
        down.disabled = i === steps.length - 1;
        down.addEventListener("click", function () { move(i, 1); });
        var remove = button(label("remove", "Remove step") + " " + n, "✕", "step-remove danger");
        remove.addEventListener("click", function () {
          steps.splice(i, 1);
          sync();
          render(Math.min(i, steps.length - 1), ".step-text");
        });
        var must_wrap = document.createElement("span");
        must_wrap.className = "check step-must-wrap";
        must_wrap.appendChild(must);
        must_wrap.appendChild(mustLabel);
        [text, must_wrap, up, down, remove].forEach(function (el) { row.appendChild(el); });
        list.appendChild(row);
      });
      if (focusIndex !== undefined && focusIndex >= 0 && list.children[focusIndex]) {
        var target = list.children[focusIndex].querySelector(focusSelector);
        if (target && !target.disabled) { target.focus(); }
        else { list.children[focusIndex].querySelector(".step-text").focus(); }
      } else if (focusIndex !== undefined) { add.focus(); }
    }

    function move(i, offset) {
      var j = i + offset;
      if (j < 0 || j >= steps.length) { return; }
      var moved = steps.splice(i, 1)[0];
      steps.splice(j, 0, moved);
      sync();
      render(j, offset < 0 ? ".step-up" : ".step-down");
    }

    add.addEventListener("click", function () {
      steps.push({ id: null, text: "", mustPass: false });
      sync();
      render(steps.length - 1, ".step-text");
    });

    textarea.hidden = true;
    textarea.style.display = "none";  // the stylesheet shows every textarea as a block, [hidden] included
    var help = document.getElementById(textarea.id + "-help");
    list.setAttribute("aria-describedby", help ? help.id : "");
    textarea.parentNode.insertBefore(list, textarea.nextSibling);
    list.parentNode.insertBefore(add, list.nextSibling);
    list.parentNode.insertBefore(idsInput, add.nextSibling);
    var fieldLabel = document.querySelector('label[for="' + textarea.id + '"]');
    if (fieldLabel) { fieldLabel.id = fieldLabel.id || textarea.id + "-label"; list.setAttribute("aria-labelledby", fieldLabel.id); }
    if (textarea.form) { textarea.form.addEventListener("submit", sync); }
    sync();
    render();
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-step-list]"), enhance);
})();
