// The scorecard's trend: the share settled on time, period by period. The data comes from a
// json_script tag (no inline script: the CSP forbids it); the table below says the same.
(() => {
  const start = () => {
    const node = document.getElementById("trend-chart");
    const source = document.getElementById("scorecard-trend");
    if (!node || !source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    const chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: (v) => (v === null ? "—" : `${v} %`) },
      grid: { left: 48, right: 24, top: 24, bottom: 40 },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, fontSize: 11 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
      series: [{
        name: data.name, type: "line", data: data.values, connectNulls: false,
        symbolSize: 8, lineStyle: { width: 3 }, itemStyle: { color: "#0d6efd" },
        label: { show: true, formatter: (p) => (p.value === null ? "" : `${p.value} %`) },
      }],
    });
    window.addEventListener("resize", () => chart.resize());
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
