// The task-log grid: rows added from the keyboard, inline checks while typing, a running total.
// The server checks everything again on save (all rows or none); this only saves a round trip.
(() => {
  const form = document.querySelector("[data-task-log]");
  if (!form) return;
  const body = form.querySelector("[data-rows]");
  const template = form.querySelector("[data-row-template]");
  const total = form.querySelector("input[name$='-TOTAL_FORMS']");
  const starts = form.dataset.starts;
  const ends = form.dataset.ends;
  const DAY = 24 * 60;

  // Minutes from 1.5 (hours), 1:30, 90m, 2h, 1h 30m — the formats the server accepts.
  function minutesOf(text) {
    const value = text.trim().toLowerCase();
    if (!value) return null;
    let m = value.match(/^(\d{1,2}):([0-5]\d)$/);
    if (m) return Number(m[1]) * 60 + Number(m[2]);
    if (/^\d*\.?\d+$/.test(value)) return Math.round(Number(value) * 60);
    m = value.match(/^(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?$/);
    if (m && (m[1] || m[2])) return Math.round(Number(m[1] || 0) * 60) + Number(m[2] || 0);
    return NaN;
  }
  const asHours = (minutes) => `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;

  const field = (row, name) => row.querySelector(`[name$='-${name}']`);
  const rows = () => [...body.querySelectorAll("[data-row]")];
  const filled = (row) => field(row, "duration").value.trim() || field(row, "description").value.trim();

  function showError(input, message) {
    const cell = input.closest("td");
    let note = cell.querySelector(".field-error.inline");
    if (!message) {
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!note) {
      note = document.createElement("small");
      note.className = "field-error inline";
      cell.appendChild(note);
    }
    note.textContent = message;
    input.setAttribute("aria-invalid", "true");
  }

  // `leaving`: the user has left the row, so a missing time, date or description is an error
  // now; while they are still in it, only what they typed is checked.
  function check(row, leaving = true) {
    const duration = field(row, "duration");
    const date = field(row, "date");
    const description = field(row, "description");
    const hint = row.querySelector("[data-hint]");
    const active = leaving && filled(row);
    const minutes = minutesOf(duration.value);
    if (hint) hint.textContent = minutes > 0 && minutes <= DAY ? `= ${asHours(minutes)}` : "";
    let durationError = "";
    if (Number.isNaN(minutes)) durationError = "Use 1.5, 1:30 or 90m.";
    else if (minutes !== null && minutes <= 0) durationError = "Must be more than zero.";
    else if (minutes > DAY) durationError = "No entry is longer than 24 hours.";
    else if (active && minutes === null) durationError = "How long did it take?";
    showError(duration, durationError);
    let dateError = "";
    if (active && !date.value) dateError = "Pick a date.";
    else if (date.value && (date.value < starts || date.value > ends)) dateError = `Between ${starts} and ${ends}.`;
    showError(date, dateError);
    showError(description, active && !description.value.trim() ? "Describe the task." : "");
  }

  function checkDays() {
    // The same person cannot log more than 24 hours on one day across the rows of the grid.
    const perDay = new Map();
    for (const row of rows()) {
      const minutes = minutesOf(field(row, "duration").value);
      if (!(minutes > 0)) continue;
      const key = `${field(row, "person").value}|${field(row, "date").value}`;
      perDay.set(key, (perDay.get(key) || 0) + minutes);
    }
    let sum = 0;
    for (const row of rows()) {
      const duration = field(row, "duration");
      const minutes = minutesOf(duration.value);
      if (!(minutes > 0) || minutes > DAY) continue;
      sum += minutes;
      const key = `${field(row, "person").value}|${field(row, "date").value}`;
      if (perDay.get(key) > DAY) showError(duration, "More than 24 hours that day for this person.");
    }
    const count = rows().filter(filled).length;
    form.querySelector("[data-total]").textContent = count ? `${count} row${count === 1 ? "" : "s"} · ${asHours(sum)}` : "";
  }

  function addRow(after) {
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const row = rows().at(-1);
    const source = after || rows().at(-2);
    if (source) {  // same person and day as the row before
      field(row, "person").value = field(source, "person").value;
      field(row, "date").value = field(source, "date").value;
    }
    return row;
  }

  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !event.target.closest("[data-row]")) return;
    event.preventDefault();
    if (event.ctrlKey || event.metaKey) {
      form.requestSubmit();
      return;
    }
    // Enter: on to the next row's time cell, carrying this row's person and day into it
    // when it is still blank (a new row is added at the end).
    const row = event.target.closest("[data-row]");
    const next = row.nextElementSibling || addRow(row);
    if (!filled(next)) {
      field(next, "person").value = field(row, "person").value;
      field(next, "date").value = field(row, "date").value;
    }
    check(row);
    checkDays();
    field(next, "duration").focus();
  });
  form.addEventListener("focusout", (event) => {
    const row = event.target.closest("[data-row]");
    if (!row) return;
    check(row, !row.contains(event.relatedTarget));
    checkDays();
  });
  form.addEventListener("input", (event) => {
    const row = event.target.closest("[data-row]");
    if (!row) return;
    // The server's note on this cell is about the old value: drop it once the user edits.
    const cell = event.target.closest("td");
    for (const note of cell.querySelectorAll(".field-error:not(.inline)")) note.remove();
    event.target.removeAttribute("aria-invalid");
    if (event.target.matches("[name$='-duration']")) { check(row, false); checkDays(); }
  });
  form.addEventListener("click", (event) => {
    if (event.target.matches("[data-add-row]")) field(addRow(), "duration").focus();
    if (event.target.matches("[data-remove-row]")) {
      const row = event.target.closest("[data-row]");
      // Keep the row (the form numbers stay contiguous) but empty it, so it is ignored.
      for (const input of row.querySelectorAll("input[type=text], input:not([type])")) input.value = "";
      row.querySelector("select[name$='-category']").value = "";
      for (const note of row.querySelectorAll(".field-error")) note.remove();
      check(row);
      checkDays();
    }
  });
  form.addEventListener("submit", (event) => {
    rows().forEach(check);
    checkDays();
    const bad = form.querySelector(".field-error.inline");
    if (bad) {
      event.preventDefault();
      bad.closest("td").querySelector("input, select").focus();
    }
  });
  rows().forEach((row) => { if (filled(row)) check(row); });
  checkDays();
})();
