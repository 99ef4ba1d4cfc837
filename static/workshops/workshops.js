// Workshops: the kit's print button (no inline scripts: CSP 'self').
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
