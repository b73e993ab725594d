/* "Select all shown": a checkbox with data-select-all="NAME" ticks or unticks every checkbox
 * named NAME in its form. Hidden until this script runs (without JavaScript, tick one by one). */
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    var form = all.form || all.closest("form");
    var name = all.getAttribute("data-select-all");
    function boxes() {
      return form.querySelectorAll('input[type=checkbox][name="' + name + '"]');
    }
    var wrap = all.closest("[hidden]");
    if (wrap) wrap.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (b) {
        b.checked = all.checked;
      });
    });
  });
})();
