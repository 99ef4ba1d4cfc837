// The case inbox: a bulk reassignment with no case checked is not sent; the first checkbox
// gets the focus instead (the server refuses it anyway, with a message).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.querySelector("fieldset.bulk")) return;
  if (!form.querySelector("input[name=case]:checked")) {
    event.preventDefault();
    const first = form.querySelector("input[name=case]");
    if (first) first.focus();
  }
});
