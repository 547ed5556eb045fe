// Dashboard charts (统计分析): every [data-chart] element gets an ECharts instance whose option
// comes from the json_script element named by data-chart ({option, links}); clicking a bar, point
// or slice opens links[seriesIndex][dataIndex], the list of the records behind that figure.
// No inline script anywhere (strict CSP): this file and echarts.min.js are loaded with src.
(function () {
  "use strict";

  const numberFormat = new Intl.NumberFormat("zh-CN");

  function format(value) {
    return typeof value === "number" ? numberFormat.format(value) : value;
  }

  function initChart(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || typeof echarts === "undefined") return null;
    const data = JSON.parse(source.textContent);
    element.dataset.initialized = "true";
    const chart = echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
    const option = data.option;
    option.tooltip = Object.assign({}, option.tooltip, { valueFormatter: format });
    chart.on("finished", () => {
      element.dataset.rendered = "true";
    });
    chart.setOption(option);
    const links = data.links || [];
    chart.on("click", (params) => {
      const series = links[params.seriesIndex] || [];
      const url = series[params.dataIndex];
      if (url) window.location.assign(url);
    });
    return chart;
  }

  function start() {
    const charts = Array.from(document.querySelectorAll("[data-chart]")).map(initChart).filter(Boolean);
    window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
    // parts loaded after the page (the 阵地与平台 card's counties) bring their own charts
    document.body.addEventListener("htmx:afterSettle", (event) => {
      event.detail.elt.querySelectorAll("[data-chart]:not([data-initialized])").forEach((element) => {
        const chart = initChart(element);
        if (chart) charts.push(chart);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
