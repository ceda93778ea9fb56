// The situation pages' charts: the board's map, an area's months with their forecast, and a
// boundary's preview. Data comes from json_script tags (no inline script: the CSP forbids it).
(() => {
  const read = (id) => {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  };

  // A choropleth of the areas with a boundary (their totals), points for those with a point
  // only; with no boundary at all, the points on longitude/latitude axes.
  const renderMap = (node, data) => {
    const echarts = window.echarts;
    const label = node.dataset.labelNotes || "";
    const chart = echarts.init(node, null, { renderer: "svg" });
    const totals = data.values.map((v) => v.value).concat(data.points.map((p) => p.value[2]));
    const max = Math.max(1, ...totals);
    const size = (value) => 8 + (16 * (Array.isArray(value) ? value[2] : value)) / max;
    const tooltip = {
      trigger: "item",
      formatter: (p) => {
        const value = Array.isArray(p.value) ? p.value[2] : p.value;
        return Number.isFinite(value) ? `${p.name}: ${value} ${label}` : p.name;
      },
    };
    if (data.geojson.features.length) {
      const name = `situation-${node.id}`;
      echarts.registerMap(name, data.geojson);
      chart.setOption({
        tooltip,
        visualMap: data.values.length
          ? { min: 0, max, left: 8, bottom: 8, calculable: true, seriesIndex: 0,
              inRange: { color: ["#fdecea", "#8a1c1c"] }, itemHeight: 90 }
          : undefined,
        geo: {
          map: name, roam: true, label: { show: true, fontSize: 10 },
          itemStyle: { areaColor: "#f1f3f5", borderColor: "#6c757d" },
          emphasis: { itemStyle: { areaColor: "#ffe69c" } },
        },
        series: [
          { type: "map", geoIndex: 0, data: data.values },
          { type: "scatter", coordinateSystem: "geo", data: data.points, symbolSize: size,
            itemStyle: { color: "#dc3545" } },
        ],
      });
    } else {
      chart.setOption({
        tooltip,
        grid: { left: 56, right: 24, top: 16, bottom: 32 },
        xAxis: { type: "value", scale: true, axisLabel: { formatter: "{value}°" } },
        yAxis: { type: "value", scale: true, axisLabel: { formatter: "{value}°" } },
        series: [{
          type: "scatter", data: data.points, symbolSize: size, itemStyle: { color: "#dc3545" },
          label: { show: true, position: "right", formatter: (p) => p.name, fontSize: 11 },
        }],
      });
    }
    window.addEventListener("resize", () => chart.resize());
  };

  // One area × topic group: its months (line), the next three months' forecast (dashed) and
  // the ~80 % band around it.
  const renderArea = (node, c) => {
    const d = node.dataset;
    const chart = window.echarts.init(node, null, { renderer: "svg" });
    const ahead = c.short ? [] : c.next_months;
    const none = (list) => list.map(() => null);
    const last = c.history.length - 1;
    const forecastLine = c.short ? [] : [...none(c.history.slice(0, -1)), c.history[last], ...c.values];
    const lower = c.short ? [] : [...none(c.history), ...c.lower];
    const band = c.short ? [] : [...none(c.history), ...c.upper.map((u, i) => u - c.lower[i])];
    chart.setOption({
      tooltip: {
        trigger: "axis",
        formatter: (items) => {
          const i = items[0].dataIndex;
          const lines = [items[0].axisValue];
          if (i <= last) lines.push(`${d.labelNotes}: ${c.history[i]}`);
          else {
            const k = i - last - 1;
            lines.push(`${d.labelForecast}: ${c.values[k]}`, `${d.labelBand}: ${c.lower[k]} – ${c.upper[k]}`);
          }
          return lines.join("<br>");
        },
      },
      grid: { left: 36, right: 12, top: 12, bottom: 28 },
      xAxis: { type: "category", data: [...c.months, ...ahead], axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: d.labelNotes, type: "line", data: [...c.history, ...none(ahead)], symbolSize: 4, color: "#8a1c1c" },
        { name: d.labelForecast, type: "line", data: forecastLine, color: "#0d6efd", lineStyle: { type: "dashed" }, symbolSize: 4 },
        { name: "lower", type: "line", data: lower, stack: "band", symbol: "none", lineStyle: { opacity: 0 } },
        { name: d.labelBand, type: "line", data: band, stack: "band", symbol: "none", lineStyle: { opacity: 0 },
          areaStyle: { color: "#0d6efd", opacity: 0.15 } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  };

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.echarts) return;
    for (const [nodeId, dataId] of [["situation-map", "situation-map-data"], ["situation-map-preview", "situation-map-preview-data"]]) {
      const node = document.getElementById(nodeId);
      const data = read(dataId);
      if (node && data) renderMap(node, data);
    }
    const charts = read("situation-charts-data") || [];
    for (const c of charts) {
      const node = document.getElementById(`situation-chart-${c.code}`);
      if (node) renderArea(node, c);
    }
  });
})();
