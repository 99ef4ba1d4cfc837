/* Sillage survey widget. Served by /w/<token>.js, which calls this function with the survey
   link's settings and the <script> element that loaded it:

     <script src="https://host/w/TOKEN.js" data-mode="modal|inline" data-touchpoint="code"
             data-lang="fr|en" async></script>

   modal (default): a floating button opens a dialog holding the survey in an iframe; Escape
   (also when the focus is inside the survey) and the close button close it, and the focus
   returns to the button. inline: the survey's iframe is inserted right after the script tag.
   Styles are set through the DOM (el.style), which a host page's CSP does not block; the host
   page's CSP must allow the survey's origin in frame-src. */
function sillageWidget(config, script) {
  "use strict";
  if (!script || script.getAttribute("data-sillage-ready")) {
    return;
  }
  script.setAttribute("data-sillage-ready", "1");
  var doc = document;
  var mode = script.getAttribute("data-mode") === "inline" ? "inline" : "modal";
  var wanted = script.getAttribute("data-lang") || doc.documentElement.lang || navigator.language;
  var lang = String(wanted || "fr").slice(0, 2).toLowerCase();
  if (!config.labels[lang]) {
    lang = "fr";
  }
  var text = config.labels[lang];
  var src = config.url + "&lang=" + lang;
  var touchpoint = script.getAttribute("data-touchpoint");
  if (touchpoint) {
    src += "&tp=" + encodeURIComponent(touchpoint);
  }
  var frames = [];

  function set(element, styles) {
    for (var name in styles) {
      element.style.setProperty(name, styles[name]);
    }
    return element;
  }

  function makeFrame(height) {
    var frame = doc.createElement("iframe");
    frame.src = src;
    frame.title = text.title;
    frame.setAttribute("loading", "lazy");
    set(frame, {display: "block", width: "100%", height: height, border: "0"});
    frames.push(frame);
    return frame;
  }

  var dialog = null;
  var button = null;

  function close() {
    if (dialog && dialog.open) {
      dialog.close();
    }
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== config.origin || !event.data || typeof event.data !== "object") {
      return;
    }
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow !== event.source) {
        continue;
      }
      if (event.data.sillage === "height" && mode === "inline") {
        var height = Math.max(200, Math.min(4000, Number(event.data.height) || 0));
        frames[i].style.setProperty("height", height + "px");
      } else if (event.data.sillage === "close") {
        close();
      }
    }
  });

  if (mode === "inline") {
    script.parentNode.insertBefore(makeFrame("640px"), script.nextSibling);
    return;
  }

  button = set(doc.createElement("button"), {
    position: "fixed",
    right: "1rem",
    bottom: "1rem",
    "z-index": "2147483000",
    "min-height": "44px",
    padding: "0.625rem 1.125rem",
    border: "2px solid " + config.colour.ink,
    "border-radius": "999px",
    background: config.colour.brand,
    color: config.colour.ink,
    font: "600 1rem/1.2 system-ui, sans-serif",
    cursor: "pointer",
    "box-shadow": "0 4px 14px rgba(0, 0, 0, 0.25)"
  });
  button.type = "button";
  button.textContent = text.open;
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("lang", lang);

  function open() {
    if (typeof HTMLDialogElement !== "function") {
      window.open(src, "_blank", "noopener");
      return;
    }
    if (!dialog) {
      dialog = set(doc.createElement("dialog"), {
        width: "min(26rem, calc(100vw - 1rem))",
        height: "min(44rem, calc(100vh - 1rem))",
        padding: "0",
        border: "0",
        "border-radius": "12px",
        overflow: "hidden"
      });
      dialog.setAttribute("aria-label", text.title);
      dialog.setAttribute("lang", lang);
      // A bar above the survey holds the close button, so it never covers the survey's
      // own controls. (display is set on an inner box: the dialog's own display must stay
      // the browser's, which hides it while closed.)
      var box = set(doc.createElement("div"), {
        display: "flex",
        "flex-direction": "column",
        height: "100%",
        background: "#ffffff"
      });
      var bar = set(doc.createElement("div"), {
        display: "flex",
        "justify-content": "flex-end",
        "border-bottom": "1px solid #d7deda"
      });
      var closer = set(doc.createElement("button"), {
        "min-width": "44px",
        "min-height": "44px",
        border: "0",
        background: "transparent",
        color: "#1a2420",
        font: "700 1.5rem/1 system-ui, sans-serif",
        cursor: "pointer"
      });
      closer.type = "button";
      closer.textContent = "\u00d7";
      closer.setAttribute("aria-label", text.close);
      closer.addEventListener("click", close);
      bar.appendChild(closer);
      var frame = makeFrame("auto");
      frame.style.setProperty("flex", "1");
      box.appendChild(bar);
      box.appendChild(frame);
      dialog.appendChild(box);
      dialog.addEventListener("close", function () {
        button.focus();
      });
      doc.body.appendChild(dialog);
    }
    dialog.showModal();
  }

  button.addEventListener("click", open);
  // An async script may run before the body exists.
  if (doc.body) {
    doc.body.appendChild(button);
  } else {
    doc.addEventListener("DOMContentLoaded", function () {
      doc.body.appendChild(button);
    });
  }
}
