// The running timer's elapsed time, ticking on the page (the server logs the real minutes).
(function () {
  function tick() {
    document.querySelectorAll("[data-timer-started]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-timer-started"));
      if (isNaN(started)) return;
      var minutes = Math.max(1, Math.ceil((Date.now() - started) / 60000));
      el.textContent = Math.floor(minutes / 60) + ":" + String(minutes % 60).padStart(2, "0");
    });
  }
  // Approvals: a person's week checkbox selects all of their entries.
  document.addEventListener("change", function (event) {
    var group = event.target.getAttribute && event.target.getAttribute("data-check-group");
    if (!group) return;
    document.querySelectorAll('input[data-group="' + group + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 15000); });
})();
