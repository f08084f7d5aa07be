// Draws the overview's charts with Chart.js (served from this machine) from the page's own numbers.
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  new Chart(document.getElementById("per-day"), {
    type: "bar",
    data: {
      labels: data.days,
      datasets: [
        { label: "conversations", data: data.conversations },
        { label: "patient messages", data: data.messages },
      ],
    },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  new Chart(document.getElementById("shares"), {
    type: "bar",
    data: { labels: data.shares, datasets: [{ label: "messages", data: data.share_counts }] },
    options: { animation: false, indexAxis: "y", plugins: { legend: { display: false } },
               scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  document.body.dataset.charts = "drawn";
})();
