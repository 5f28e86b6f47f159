// Insights charts (Chart.js), drawn from the figures the page embeds: the same JSON the API
// returns at /api/v1/insights/metrics, so the charts and the API always agree.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("insights-data");
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const charts = Object.fromEntries(data.charts.map((c) => [c.key, c]));
  const num = (v) => (v === null || v === undefined ? null : parseFloat(v));
  const pct = (v) => (v === null ? null : Math.round(v * 1000) / 10);
  const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
  const blue = "#1d4e89", light = "#9bb7d4", amber = "#c77700", grey = "#90a4ae", green = "#2e7d32";
  const base = { animation: { duration: 250 }, maintainAspectRatio: false, responsive: true };
  const short = (text, n = 26) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  // A week cut by the range says how many of its days count, which explains its lower bars.
  const week = (r) => `${r.week.slice(5)}${r.days !== undefined && r.days < 7 ? ` (${r.days} d)` : ""}`;

  const builders = {
    recovered: (c) => ({
      type: "bar",
      data: {
        labels: c.rows.map(week),
        datasets: [
          { type: "line", label: "At the audit", data: c.rows.map((r) => num(r.baseline_hours)), borderColor: amber, backgroundColor: amber, pointRadius: 2 },
          { label: "Attorney hours now", data: c.rows.map((r) => num(r.attorney_hours)), backgroundColor: blue },
        ],
      },
      options: { ...base, scales: { y: { beginAtZero: true, title: { display: true, text: "Hours" } } } },
    }),
    utilization: (c) => ({
      type: "bar",
      data: {
        labels: c.rows.map((r) => r.professional),
        datasets: [
          { label: "Utilization (%)", data: c.rows.map((r) => pct(num(r.utilization))), backgroundColor: c.rows.map((r) => (num(r.utilization) > 0.9 ? amber : blue)) },
          { type: "line", label: "Full capacity (90%)", data: c.rows.map(() => 90), borderColor: grey, borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { ...base, scales: { y: { beginAtZero: true, suggestedMax: 100, title: { display: true, text: "%" } } } },
    }),
    quality: (c) => ({
      type: "line",
      data: {
        labels: c.rows.map(week),
        datasets: [
          { label: "On time (%)", data: c.rows.map((r) => pct(num(r.on_time_rate))), borderColor: green, backgroundColor: green, spanGaps: true },
          { label: "Rework (%)", data: c.rows.map((r) => pct(num(r.rework_rate))), borderColor: amber, backgroundColor: amber, spanGaps: true },
        ],
      },
      options: { ...base, scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: "%" } } } },
    }),
    turnaround: (c) => ({
      type: "bar",
      data: { labels: c.rows.map((r) => short(r.category)), datasets: [{ label: "Median hours", data: c.rows.map((r) => num(r.median_hours)), backgroundColor: blue }] },
      options: { ...base, indexAxis: "y", plugins: { legend: { display: false } } },
    }),
    cost: (c) => ({
      type: "bar",
      data: {
        labels: c.rows.map((r) => r.measure),
        datasets: [
          { label: "Contractors", data: c.rows.map((r) => (r.contractor_cents === null ? null : num(r.contractor_cents) / 100)), backgroundColor: blue },
          { label: "In-house equivalent", data: c.rows.map((r) => (r.in_house_cents === null ? null : num(r.in_house_cents) / 100)), backgroundColor: light },
        ],
      },
      options: {
        ...base,
        plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${dollars.format(ctx.parsed.y)}` } } },
        scales: { y: { beginAtZero: true, ticks: { callback: (v) => dollars.format(v) } } },
      },
    }),
    velocity: (c) => ({
      type: "bar",
      data: { labels: c.rows.map((r) => r.stage), datasets: [{ label: "How many", data: c.rows.map((r) => num(r.count)), backgroundColor: blue }] },
      options: { ...base, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    satisfaction: (c) => ({
      type: "bar",
      data: { labels: c.rows.map((r) => `${r.score} / 5`), datasets: [{ label: "Answers", data: c.rows.map((r) => num(r.answers)), backgroundColor: green }] },
      options: { ...base, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    trend: (c) => ({
      type: "line",
      data: {
        labels: c.rows.map(week),
        datasets: [
          { label: "Utilization (%)", data: c.rows.map((r) => pct(num(r.utilization))), borderColor: blue, backgroundColor: blue, spanGaps: true },
          { label: "Full capacity (90%)", data: c.rows.map(() => 90), borderColor: grey, borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { ...base, scales: { y: { beginAtZero: true, suggestedMax: 100, title: { display: true, text: "%" } } } },
    }),
  };
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const key = canvas.dataset.chart;
    if (charts[key] && builders[key]) new window.Chart(canvas, builders[key](charts[key]));
  });
});
