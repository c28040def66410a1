/* The visual editor of an html component: Trix (vendor/trix, see its README) over the HTML textarea.
 *
 * Without JavaScript, or for a text using elements Trix cannot keep (tables, pictures, video, classes…),
 * the author edits the HTML in the textarea, as before: the visual editor never opens a text it would
 * damage. Otherwise Trix edits a copy; on every change the textarea (what the form submits) gets Trix's
 * HTML in the form the sanitiser (courses/blocks/sanitize.py) keeps unchanged: links carry
 * rel="noopener noreferrer", Trix's <!--block--> markers are dropped. Files cannot be attached (course
 * files are referred to by /static/ links). */
(function () {
  "use strict";
  var textarea = document.querySelector("textarea[data-html-editor]");
  if (!textarea || !window.Trix) { return; }
  // What Trix's toolbar produces and can therefore show back; anything else stays an HTML edit.
  var TAGS = ["P", "DIV", "BR", "STRONG", "B", "EM", "I", "DEL", "S", "A", "H1", "H2", "BLOCKQUOTE", "PRE", "UL", "OL", "LI"];

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template;
  }

  function representable(html) {
    var elements = fragment(html).content.querySelectorAll("*");
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i];
      if (TAGS.indexOf(element.tagName) < 0) { return false; }
      for (var j = 0; j < element.attributes.length; j++) {
        var name = element.attributes[j].name;
        if (!(element.tagName === "A" && (name === "href" || name === "rel"))) { return false; }
      }
    }
    return true;
  }

  function cleaned(html) {
    var template = fragment(html);
    var walker = document.createTreeWalker(template.content, NodeFilter.SHOW_COMMENT);
    var comments = [];
    while (walker.nextNode()) { comments.push(walker.currentNode); }
    comments.forEach(function (node) { node.parentNode.removeChild(node); });
    Array.prototype.forEach.call(template.content.querySelectorAll("a"), function (link) {
      link.setAttribute("rel", "noopener noreferrer");
    });
    return template.innerHTML;
  }

  var note = document.getElementById(textarea.id + "-editor-note");
  if (!representable(textarea.value)) {
    if (note) { note.hidden = false; }
    return;
  }
  // The toolbar's words in the author's language (Trix builds its toolbar when the element connects).
  Object.keys(Trix.config.lang).forEach(function (key) {
    var label = textarea.getAttribute("data-label-" + key.toLowerCase());
    if (label) { Trix.config.lang[key] = label; }
  });
  document.addEventListener("trix-file-accept", function (event) { event.preventDefault(); });
  // The toolbar's heading is a section heading (h2): the unit page's own title is its h1.
  Trix.config.blockAttributes.heading1.tagName = "h2";

  var input = document.createElement("input");
  input.type = "hidden";
  input.id = textarea.id + "-visual";
  input.value = textarea.value;
  var editor = document.createElement("trix-editor");
  editor.setAttribute("input", input.id);
  editor.className = "trix-content html-editor";
  var label = document.querySelector('label[for="' + textarea.id + '"]');
  if (label) { label.id = label.id || textarea.id + "-label"; editor.setAttribute("aria-labelledby", label.id); }
  var help = document.getElementById(textarea.id + "-help");
  if (help) { editor.setAttribute("aria-describedby", help.id); }
  editor.addEventListener("trix-initialize", function () {
    var files = editor.toolbarElement && editor.toolbarElement.querySelector("[data-trix-button-group=file-tools]");
    if (files) { files.parentNode.removeChild(files); }
  });
  editor.addEventListener("trix-change", function () { textarea.value = cleaned(input.value); });
  textarea.style.display = "none";  // the stylesheet shows every textarea as a block, [hidden] included
  textarea.parentNode.insertBefore(input, textarea.nextSibling);
  textarea.parentNode.insertBefore(editor, input.nextSibling);
})();
