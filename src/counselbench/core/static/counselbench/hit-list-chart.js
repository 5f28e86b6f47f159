// Bar chart of the hit list (annual misused time by category), from the JSON the page embeds.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("hit-list-data");
  const canvas = document.getElementById("hit-list-chart");
  if (!data || !canvas || !window.Chart) return;
  const { labels, savings } = JSON.parse(data.textContent);
  const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
  new window.Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: "Annual misused time", data: savings, backgroundColor: "#1d4e89" }] },
    options: {
      indexAxis: "y",
      animation: { duration: 300 },
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => dollars.format(c.parsed.x) } } },
      scales: { x: { ticks: { callback: (v) => dollars.format(v) } } },
    },
  });
});
