/* Forms: a character counter under every textarea with a maxlength, and a POST form sent once.
   Both are progressive enhancements: the limits are enforced by the server, and a form sent twice
   creates one record (core.submissions). */
(function () {
  "use strict";

  var script = document.currentScript;
  // "已输入 {count} / {limit} 字", translated in base.html.
  var counterText = (script && script.dataset.counterText) || "{count} / {limit}";

  function counterFor(textarea) {
    var counter = document.createElement("div");
    counter.className = "form-hint character-counter";
    counter.id = (textarea.id || textarea.name) + "-counter";
    counter.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", counter);
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var limit = textarea.maxLength;
      counter.textContent = counterText.replace("{count}", textarea.value.length).replace("{limit}", limit);
      counter.classList.toggle("text-danger", textarea.value.length >= limit);
    }
    textarea.addEventListener("input", update);
    update();
  }

  function addCounters(root) {
    root.querySelectorAll("textarea[maxlength]:not([data-counted])").forEach(function (textarea) {
      textarea.dataset.counted = "true";
      counterFor(textarea);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { addCounters(document); });
  document.addEventListener("htmx:load", function (event) { addCounters(event.target); });

  // A POST form's buttons are disabled once it is sent, so a second click sends nothing. They are
  // disabled after the event, so that the clicked button's name and value still go with the form;
  // a form that stays on the page (a download) gets them back after a while.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method !== "post") {
      return;
    }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(
        function (button) {
          if (!button.disabled) {
            button.disabled = true;
            button.dataset.sending = "true";
          }
        }
      );
      form.setAttribute("aria-busy", "true");
      window.setTimeout(function () { enable(form); }, 15000);
    }, 0);
  });

  function enable(root) {
    root.querySelectorAll("[data-sending]").forEach(function (button) {
      button.disabled = false;
      delete button.dataset.sending;
    });
    root.querySelectorAll("form[aria-busy]").forEach(function (form) { form.removeAttribute("aria-busy"); });
    if (root instanceof HTMLFormElement) {
      root.removeAttribute("aria-busy");
    }
  }
  // A page shown again from the back-forward cache gets its buttons back.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      enable(document);
    }
  });
})();
