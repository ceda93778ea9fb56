/* The home page's sparklines: one small ECharts line per key figure, from the JSON the page
   carries (#dv-dashboard-chart). No axes: the numbers are written beside it. The cards come
   through htmx after the first paint, so they are drawn when they arrive (or at once on the
   page of their own). */
(function () {
  "use strict";
  var charts = [];
  function draw() {
    var data = document.getElementById("dv-dashboard-chart");
    if (!data || !window.echarts) return;
    var chart = JSON.parse(data.textContent);
    document.querySelectorAll(".dv-spark:not([data-drawn])").forEach(function (el) {
      el.dataset.drawn = "1";
      var values = chart.series[Number(el.dataset.series)] || [];
      if (!values.some(function (v) { return v !== null; })) return;
      var c = window.echarts.init(el, null, { renderer: "svg" });
      c.setOption({
        animation: false,
        grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: "category", show: false, data: chart.periods },
        yAxis: { type: "value", show: false, scale: true },
        tooltip: { show: false },
        series: [{ type: "line", data: values, symbolSize: 4, connectNulls: true,
                   lineStyle: { width: 2 }, areaStyle: { opacity: 0.15 } }]
      });
      charts.push(c);
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.addEventListener("htmx:afterSettle", draw);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
