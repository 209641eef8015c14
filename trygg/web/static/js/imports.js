/* Import pages: show a progress indicator while a file is read and imported. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-progress-form]"), function (form) {
      form.addEventListener("submit", function () {
        var bar = form.querySelector("progress.busy");
        if (bar) { bar.hidden = false; }
      });
    });
  });
})();
