// Distribution pages: "Copy" buttons, the poster's Print button, the widget snippet builder.
// Everything works without this file: addresses are selectable text, the snippet form submits.
(function () {
  "use strict";

  function copyText(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || label;
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
      });
    } else {
      field.select();
      try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: Ctrl+C works */ }
    }
  }

  function setUp(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () { copyText(button); });
    });
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () { window.print(); });
    });
    var form = root.querySelector("[data-widget-form]");
    if (form && !form.dataset.ready) {
      form.dataset.ready = "1";
      var snippet = document.getElementById("widget-snippet");
      var update = function () {
        var option = form.elements.link.selectedOptions[0];
        var mode = form.querySelector("input[name=mode]:checked");
        if (!option || !mode || !snippet) return;
        snippet.value = '<script src="' + option.getAttribute("data-script") +
          '" data-mode="' + mode.value + '" async></' + 'script>';
      };
      form.addEventListener("change", update);
      var submit = form.querySelector("[data-widget-submit]");
      if (submit) submit.hidden = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  // Rows swapped in by htmx (activate/deactivate) get their Copy button back.
  document.addEventListener("htmx:afterSwap", function () { setUp(document); });
})();
