/* The EST meeting form: an "add another action" button that copies the last decision row. */
(function () {
  "use strict";

  function renumber(row, n) {
    Array.prototype.forEach.call(row.querySelectorAll("[id]"), function (el) {
      el.id = el.id.replace(/-\d+$/, "-" + n);
    });
    Array.prototype.forEach.call(row.querySelectorAll("label[for]"), function (el) {
      el.setAttribute("for", el.getAttribute("for").replace(/-\d+$/, "-" + n));
    });
    Array.prototype.forEach.call(row.querySelectorAll(".field-error"), function (el) { el.parentNode.removeChild(el); });
    Array.prototype.forEach.call(row.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    row.setAttribute("data-row", String(n));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("add-decision");
    var box = document.getElementById("decision-rows");
    if (!button || !box) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = box.querySelectorAll(".decision-row");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      renumber(copy, rows.length);
      var title = copy.querySelector("input[name=title]");
      title.value = "";
      box.appendChild(copy);
      title.focus();
    });
  });
})();
