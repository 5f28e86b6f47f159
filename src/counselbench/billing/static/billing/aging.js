// AR aging: each client's invoices fold under the client's row. Without JavaScript every invoice
// row stays visible; with it, a button on each client row shows or hides them.
(function () {
  function setOpen(body, open) {
    var button = body.querySelector("button[data-aging-toggle]");
    body.querySelectorAll("tr.invoice-row").forEach(function (row) { row.hidden = !open; });
    if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var bodies = document.querySelectorAll("tbody.aging-client");
    bodies.forEach(function (body) {
      var name = body.querySelector(".client-name");
      if (!name) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "aging-toggle";
      button.setAttribute("data-aging-toggle", "");
      button.setAttribute("aria-controls", body.id);
      button.appendChild(document.createTextNode(name.textContent));
      name.replaceWith(button);
      setOpen(body, false);
      button.addEventListener("click", function () {
        setOpen(body, button.getAttribute("aria-expanded") !== "true");
      });
    });
    var all = document.querySelector(".aging-expand");
    if (all && bodies.length) all.hidden = false;
    document.querySelectorAll("[data-aging-all]").forEach(function (button) {
      button.addEventListener("click", function () {
        var open = button.getAttribute("data-aging-all") === "open";
        bodies.forEach(function (body) { setOpen(body, open); });
      });
    });
  });
})();
