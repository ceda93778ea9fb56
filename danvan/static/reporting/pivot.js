// The pivot page's chart: one bar series per indicator (the first six), one category per row.
// Data comes from a json_script tag (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("pivot-chart");
  const data = document.getElementById("pivot-data");
  if (!node || !data || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const instance = window.echarts.init(node, null, { renderer: "svg" });
  instance.setOption({
    tooltip: { trigger: "axis" },
    legend: { bottom: 0, type: "scroll" },
    grid: { left: 48, right: 16, top: 16, bottom: 110, containLabel: true },
    xAxis: { type: "category", data: chart.labels, axisLabel: { rotate: 30, width: 120, overflow: "truncate" } },
    yAxis: { type: "value" },
    series: chart.series.map((s) => ({ name: s.name, type: "bar", data: s.data })),
    // Many rows: show twenty at a time, with a slider to move along.
    dataZoom: chart.labels.length > 20
      ? [{ type: "slider", bottom: 28, height: 16, startValue: 0, endValue: 19 }, { type: "inside" }]
      : [],
  });
  window.addEventListener("resize", () => instance.resize());
});
