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
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
});
// Upload progress for forms sent by htmx (e.g. a large CSV import): a bar while the file goes up,
// then an indeterminate bar while the server reads it. The form holds a [data-progress] block.
document.addEventListener("htmx:beforeRequest", (event) => {
  const box = event.target.querySelector && event.target.querySelector("[data-progress]");
  if (!box) return;
  box.hidden = false;
  box.dataset.phase = "upload";
  box.querySelector("progress").value = 0;
  box.querySelector("[data-progress-text]").textContent = "Uploading…";
});
document.addEventListener("htmx:xhr:progress", (event) => {
  const box = event.target.querySelector && event.target.querySelector("[data-progress]");
  if (!box || box.dataset.phase !== "upload" || !event.detail.lengthComputable) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const percent = Math.round((100 * event.detail.loaded) / event.detail.total);
  bar.value = percent;
  text.textContent = `Uploading… ${percent}%`;
  if (event.detail.loaded >= event.detail.total) {
    box.dataset.phase = "server";
    bar.removeAttribute("value");  // indeterminate while the server checks every row
    text.textContent = box.dataset.progress || "Working…";
  }
});
// A plain form that takes a while (e.g. confirming a large import): show its indicator.
document.addEventListener("submit", (event) => {
  const box = event.target.querySelector("[data-busy]");
  if (!box || event.defaultPrevented) return;
  box.hidden = false;
});
