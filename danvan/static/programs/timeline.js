// The programme page's chart: tasks by due month, stacked by state. Data comes from
// json_script tags (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("timeline-chart");
  const data = document.getElementById("timeline-data");
  if (!node || !data || !window.echarts) return;
  const rows = JSON.parse(data.textContent);
  const labels = JSON.parse(document.getElementById("timeline-labels").textContent);
  const colors = { done_on_time: "#198754", done_late: "#0dcaf0", overdue: "#dc3545", open: "#adb5bd", cancelled: "#6c757d" };
  const chart = window.echarts.init(node, null, { renderer: "svg" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 56 },
    xAxis: { type: "category", data: rows.map((r) => r.month) },
    yAxis: { type: "value", minInterval: 1 },
    series: Object.keys(colors).map((key) => ({
      name: labels[key], type: "bar", stack: "tasks", color: colors[key], data: rows.map((r) => r[key]),
    })),
  });
  window.addEventListener("resize", () => chart.resize());
});
