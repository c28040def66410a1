/* tot-lms blocks (video, skill_checklist, procedure_log): progressive enhancement of plain HTML forms.
 *
 * Every form works without JavaScript (it posts to the block's handler and comes back to the page). With
 * JavaScript, a form marked data-handler="<name>" is sent as JSON to runtime.handlerUrl(element, name)
 * and the answer is shown in the form's status line, so a slow link does not reload the page for an
 * error. Works in any XBlock runtime: the workbench's CSRF cookie is sent when there is one.
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

  function postJson(url, data, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url, true);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("Accept", "application/json");
    var token = csrfToken();
    if (token) { xhr.setRequestHeader("X-CSRFToken", token); }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (ignore) { body = null; }
      done(xhr.status, body);
    };
    xhr.send(JSON.stringify(data));
  }

  function formData(form, submitter) {
    var data = {};
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (!field.name || field.disabled || field.type === "submit" || field.type === "button") { continue; }
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { continue; }
      data[field.name] = field.value;
    }
    if (submitter && submitter.name) { data[submitter.name] = submitter.value; }
    return data;
  }

  function showStatus(form, text, isError) {
    var status = form.querySelector("[data-role=status]");
    if (!status) { return; }
    status.textContent = text;
    status.className = "tot-status" + (isError ? " tot-error" : " tot-ok");
    status.setAttribute("role", isError ? "alert" : "status");
  }

  function markField(form, name) {
    var invalid = form.querySelectorAll("[aria-invalid=true]");
    for (var i = 0; i < invalid.length; i++) { invalid[i].removeAttribute("aria-invalid"); }
    if (!name) { return; }
    var field = form.querySelector("[name='" + name.replace(/['\\]/g, "") + "']");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  function enhance(runtime, root, messages, onSuccess) {
    var forms = root.querySelectorAll("form[data-handler]");
    Array.prototype.forEach.call(forms, function (form) {
      var submitter = null;
      form.addEventListener("click", function (event) {
        if (event.target && event.target.type === "submit") { submitter = event.target; }
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var buttons = form.querySelectorAll("button");
        var data = formData(form, event.submitter || submitter);
        submitter = null;
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
        showStatus(form, messages.saving || "…", false);
        postJson(runtime.handlerUrl(root, form.getAttribute("data-handler")), data, function (status, body) {
          Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
          if (status >= 200 && status < 300 && body) {
            markField(form, null);
            showStatus(form, body.message || messages.saved, false);
            if (onSuccess) { onSuccess(form, body); }
            if (body.reload) { window.location.reload(); }
          } else if (status === 0) {
            showStatus(form, messages.network, true);
          } else {
            markField(form, body && body.field);
            showStatus(form, (body && body.error) || messages.error, true);
          }
        });
      });
    });
  }

  /* skill_checklist and procedure_log (learner and assessor views). */
  window.TotBlockForms = function (runtime, element, args) {
    enhance(runtime, rootOf(element), (args && args.messages) || {});
    return {};
  };

  /* video: report "watched" once playback passes the threshold; the button does the same by hand. */
  window.TotVideoBlock = function (runtime, element, args) {
    var root = rootOf(element);
    var settings = args || {};
    var messages = settings.messages || {};
    var watched = !!settings.watched;
    var video = root.querySelector("video");
    var status = root.querySelector(".tot-video-status");
    var form = root.querySelector("form[data-handler]");

    function done() {
      watched = true;
      if (status) { status.textContent = messages.watched || ""; }
      if (form) { form.hidden = true; }
    }

    enhance(runtime, root, messages, done);

    var sending = false;
    var lastFailure = 0;
    if (video) {
      video.addEventListener("timeupdate", function () {
        if (watched || sending || !video.duration || !isFinite(video.duration)) { return; }
        // After a failed report, wait before trying again rather than on every tick.
        if (lastFailure && Date.now() - lastFailure < 30000) { return; }
        if (video.currentTime / video.duration >= (settings.threshold || 0.9)) {
          sending = true;
          postJson(runtime.handlerUrl(root, "mark_watched"), { watched: true }, function (code) {
            sending = false;
            if (code >= 200 && code < 300) { done(); } else { lastFailure = Date.now(); }
          });
        }
      });
    }
    return {};
  };
})();
