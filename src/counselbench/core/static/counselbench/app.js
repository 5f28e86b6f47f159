// Counselbench: small behaviours kept out of inline scripts (the CSP forbids them).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("[data-select-on-focus]")) event.target.select();
});
document.addEventListener("click", (event) => {
  if (event.target.matches("[data-print]")) window.print();
});
