// Print buttons: any element with `data-print` prints the page (no inline handlers: the CSP).
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
