/* tot-lms assessment block: answers saved as they are given, kept on the device while offline.
 *
 * The page works without this script (each question's form posts to the block's `answer` handler). With it:
 * - a change to a question's controls is queued at once in localStorage (per attempt), with a sequence number
 *   per question that only grows, and the queue is sent to the server in order, one change at a time;
 * - while the connection is down the queue waits and is sent when it is back (the `online` event, or a retry
 *   every 15 s); a change the server already has (a replay) is acknowledged by it and dropped here;
 * - "Save and next" saves through the queue and moves to the next question without reloading the page;
 * - "Submit" waits until the queue is empty, and refuses to submit while answers are still on the device;
 * - the time left counts down; at zero the page reloads and the server closes the attempt.
 * The server decides everything (deadline, closed attempts, whose attempt): this script only carries answers.
 */
(function () {
  "use strict";

  function rootOf(element) {
    return element && element.jquery ? element[0] : element;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function storage() {
    try { return window.localStorage; } catch (ignore) { return null; }
  }

  function TotAssessment(runtime, element, args) {
    var root = rootOf(element);
    var section = root.querySelector("section.attempt");
    if (!section) { return; }
    var url = section.getAttribute("data-answer-url");
    var attempt = String(args.attempt);
    var key = "tot-assessment-queue-" + attempt;
    var messages = args.messages || {};
    var status = section.querySelector(".save-status");
    var sequences = {};
    var sending = false;
    var waiting = [];  // callbacks of flushes asked for while a change was on its way (e.g. Submit)
    var closed = false;
    Object.keys(args.sequences || {}).forEach(function (slot) { sequences[slot] = args.sequences[slot]; });

    function load() {
      var store = storage();
      if (!store) { return memory; }
      try { return JSON.parse(store.getItem(key) || "[]"); } catch (ignore) { return []; }
    }
    var memory = [];
    function keep(queue) {
      memory = queue;
      var store = storage();
      if (!store) { return; }
      try {
        if (queue.length) { store.setItem(key, JSON.stringify(queue)); } else { store.removeItem(key); }
      } catch (ignore) { /* full or refused: the queue stays in memory */ }
    }
    // Sequences continue after the highest one this device already queued (a reload while offline).
    load().forEach(function (change) {
      sequences[change.slot] = Math.max(sequences[change.slot] || 0, change.sequence);
    });

    function say(text) { if (status) { status.textContent = text || ""; } }

    function answerOf(form) {
      var prefix = section.id + "-a";  // a question's controls are named after the block (answer_field)
      var values = [];
      var fields = form.elements;
      for (var i = 0; i < fields.length; i++) {
        var field = fields[i];
        if (!field.name || field.name.indexOf(prefix) !== 0) { continue; }
        if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { continue; }
        if (field.tagName === "SELECT" && field.multiple) {
          for (var j = 0; j < field.options.length; j++) {
            if (field.options[j].selected) { values.push(field.options[j].value); }
          }
          continue;
        }
        values.push(field.value);
      }
      return values;
    }

    function queueChange(form) {
      if (closed) { return; }
      var slot = form.getAttribute("data-slot");
      sequences[slot] = (sequences[slot] || 0) + 1;
      var queue = load().filter(function (change) { return String(change.slot) !== String(slot); });
      queue.push({ attempt: attempt, slot: Number(slot), answer: answerOf(form), sequence: sequences[slot] });
      keep(queue);
      mark(form, "pending");
      flush();
    }

    function mark(form, state) {
      var line = form.querySelector(".answer-state");
      if (!line) { return; }
      if (state === "saved") { line.textContent = messages.saved; }
      if (state === "pending") { line.textContent = navigator.onLine === false ? messages.offline : messages.saving; }
    }

    function answered(values) {
      return (values || []).some(function (value) { return String(value).replace(/^\s+|\s+$/g, "") !== ""; });
    }

    // "3 of 9 questions answered and saved.": the server wrote it with a stand-in number for the count
    // (data-saved-template, translated there), which is filled in again after each save.
    var counter = section.querySelector("[data-saved-template]");
    function count() {
      if (!counter) { return; }
      var saved = section.querySelectorAll('form.question[data-answered="true"]').length;
      counter.textContent = counter.getAttribute("data-saved-template").replace(counter.getAttribute("data-stand-in"), String(saved));
    }

    function formFor(slot) { return section.querySelector('form.question[data-slot="' + slot + '"]'); }

    // Tell whoever waits for the queue (this flush's caller and those who asked while a change was on its
    // way) whether it is now empty; a caller dropped here would never hear back (Submit would do nothing).
    function settle(done, empty) {
      var callbacks = waiting;
      waiting = [];
      if (done) { callbacks.unshift(done); }
      callbacks.forEach(function (callback) { callback(empty); });
    }

    function flush(done) {
      if (sending) { if (done) { waiting.push(done); } return; }
      var queue = load();
      if (!queue.length) { settle(done, true); return; }
      if (navigator.onLine === false) { say(messages.offline); settle(done, false); return; }
      sending = true;
      var change = queue[0];
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url, true);
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.setRequestHeader("Accept", "application/json");
      var token = csrfToken();
      if (token) { xhr.setRequestHeader("X-CSRFToken", token); }
      xhr.onreadystatechange = function () {
        if (xhr.readyState !== 4) { return; }
        sending = false;
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (ignore) { body = null; }
        if (xhr.status === 200) {
          keep(load().filter(function (c) { return !(c.slot === change.slot && c.sequence <= change.sequence); }));
          var form = formFor(change.slot);
          if (form && !load().some(function (c) { return c.slot === change.slot; })) {
            form.setAttribute("data-answered", answered(change.answer) ? "true" : "false");
            mark(form, "saved");
            count();
          }
          say(messages.saved);
          flush(done);
        } else if (xhr.status === 0 || xhr.status >= 500) {
          say(messages.offline);  // the connection or the server failed: keep the change and try again later
          settle(done, false);
        } else {
          keep(load().filter(function (c) { return c !== change && !(c.slot === change.slot && c.sequence === change.sequence); }));
          if (xhr.status === 409) {
            closed = true;
            keep([]);
            say((body && body.error) || messages.closed);
            window.setTimeout(function () { window.location.reload(); }, 2500);
          } else {
            say((body && body.error) || messages.error);
          }
          settle(done, false);
        }
      };
      xhr.send(JSON.stringify(change));
    }

    var forms = section.querySelectorAll("form.question");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        form.addEventListener("change", function () { queueChange(form); });
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          queueChange(form);
          var next = formFor(Number(form.getAttribute("data-slot")) + 1);
          var target = next || section.querySelector("form.submit-attempt");
          if (target) {
            target.scrollIntoView();
            // Its first control a person can use (not the hidden fields before it): the keyboard moves on too.
            var first = target.querySelector("input:not([type=hidden]), select, textarea, button");
            if (first) { first.focus(); }
          }
        });
      })(forms[i]);
    }

    var submitForm = section.querySelector("form.submit-attempt");
    if (submitForm) {
      submitForm.addEventListener("submit", function (event) {
        if (!load().length) { return; }
        event.preventDefault();
        say(messages.saving);
        flush(function (empty) {
          if (empty) { submitForm.submit(); } else { say(messages.offline); }
        });
      });
    }

    window.addEventListener("online", function () { flush(); });
    window.setInterval(function () { flush(); }, 15000);
    flush();

    var timer = section.querySelector("[data-seconds-left]");
    if (timer) {
      var ends = Date.now() + Number(timer.getAttribute("data-seconds-left")) * 1000;
      var tick = function () {
        var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
        var minutes = Math.floor(left / 60);
        var seconds = left % 60;
        timer.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
        if (left === 0) { flush(function () { window.location.reload(); }); return; }
        window.setTimeout(tick, 1000);
      };
      timer.setAttribute("role", "timer");
      tick();
    }
  }

  window.TotAssessment = TotAssessment;
})();
