/* Hosts a block's own studio_view: its editor reports through runtime.notify("save"|"cancel"|"error").
 * On a finished save or a cancel we go back to where the author came from; errors are shown. */
(function () {
  "use strict";
  var editor = document.getElementById("studio-editor");
  var status = document.getElementById("studio-status");
  document.addEventListener("xblock:notify", function (event) {
    var name = event.detail.name, data = event.detail.data || {};
    if (name === "save" && data.state === "start") { status.textContent = data.message || editor.getAttribute("data-saving"); }
    else if (name === "save" && data.state === "end") { window.location.assign(editor.getAttribute("data-return-url")); }
    else if (name === "cancel") { window.location.assign(editor.getAttribute("data-return-url")); }
    else if (name === "error") { status.textContent = (data.title || editor.getAttribute("data-error")) + (data.message ? ": " + data.message : ""); }
  });
})();
