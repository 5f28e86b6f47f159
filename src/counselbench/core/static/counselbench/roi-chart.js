// Cost comparison chart on the ROI page, from the JSON the page embeds.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("roi-data");
  const canvas = document.getElementById("roi-chart");
  if (!data || !canvas || !window.Chart) return;
  const { labels, costs } = JSON.parse(data.textContent);
  const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
  new window.Chart(canvas, {
    type: "bar",
    data: { labels, datasets: [{ label: "Cost a year", data: costs, backgroundColor: ["#9aa5b1", "#1d4e89", "#2e7d32", "#c77700"] }] },
    options: {
      animation: { duration: 300 },
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => dollars.format(c.parsed.y) } } },
      scales: { y: { ticks: { callback: (v) => dollars.format(v) } } },
    },
  });
});
