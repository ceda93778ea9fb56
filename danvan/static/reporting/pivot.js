// The pivot page's chart: one bar series per indicator (the first six), one category per row.
// Data comes from a json_script tag (no inline script: the CSP forbids it). When the indicators
// are in different units the server sends each as a share of its largest row ("normalised"):
// the axis reads 0–100 % and the tooltip gives the real figures.
document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("pivot-chart");
  const data = document.getElementById("pivot-data");
  if (!node || !data || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const instance = window.echarts.init(node, null, { renderer: "svg" });
  instance.setOption({
    tooltip: {
      trigger: "axis",
      // The figures as the table shows them (the reader's notation), not the drawn shares.
      formatter: (items) => {
        if (!items.length) return "";
        const rows = items.map((p) => {
          const figure = chart.series[p.seriesIndex].shown[p.dataIndex];
          return `${p.marker}${escape(p.seriesName)}: <strong>${escape(figure)}</strong>`;
        });
        return [escape(items[0].axisValueLabel), ...rows].join("<br>");
      },
    },
    legend: { bottom: 0, type: "scroll" },
    grid: { left: 48, right: 16, top: 24, bottom: 110, containLabel: true },
    xAxis: { type: "category", data: chart.labels, axisLabel: { rotate: 30, width: 120, overflow: "truncate" } },
    yAxis: chart.normalised
      ? { type: "value", min: (v) => Math.min(0, v.min), max: 100, name: chart.axis, axisLabel: { formatter: "{value}" } }
      : { type: "value" },
    series: chart.series.map((s) => ({ name: s.name, type: "bar", data: s.data })),
    // Many rows: show twenty at a time, with a slider to move along.
    dataZoom: chart.labels.length > 20
      ? [{ type: "slider", bottom: 28, height: 16, startValue: 0, endValue: 19 }, { type: "inside" }]
      : [],
  });
  window.addEventListener("resize", () => instance.resize());
});
