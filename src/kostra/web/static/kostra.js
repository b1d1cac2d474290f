// After htmx swaps field messages, mark inputs with errors as invalid for assistive technology.
document.addEventListener("htmx:afterSettle", function () {
  document.querySelectorAll(".field").forEach(function (field) {
    var message = field.querySelector(".field-msg");
    var input = field.querySelector("input[aria-invalid], select[aria-invalid]");
    if (message && input) {
      var invalid = message.querySelector(".sev-ERROR, .sev-FATAL") !== null;
      input.setAttribute("aria-invalid", invalid ? "true" : "false");
    }
  });
});
