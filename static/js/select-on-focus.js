// A read-only field marked data-select-on-focus selects its whole text when focused (the
// calendar feed's URL, to copy). A static file: the Content-Security-Policy allows no inline
// handler.
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) {
    field.select();
  }
});
