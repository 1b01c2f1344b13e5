// Draws every chart of a pbequity page from the JSON options placed in
// <script type="application/json" class="chart-option" data-chart="ID">
// elements, with Persian digits and the Vazirmatn font on Persian pages.
(function () {
  "use strict";
  var fa = document.documentElement.lang === "fa";
  var nf = new Intl.NumberFormat(fa ? "fa-IR" : "en-US", { maximumFractionDigits: 2 });
  function fmt(v) {
    return typeof v === "number" ? nf.format(v) : v;
  }
  function pct(x) {
    return fa ? nf.format(x * 100) + "\u066a" : nf.format(x * 100) + "%";
  }
  // labels gives the value labels of series ECharts would print with Latin
  // digits the page's number format.
  function labels(s) {
    if (!s.label || !s.label.show) {
      return;
    }
    if (s.type === "heatmap") {
      s.label.formatter = function (p) {
        var v = p.value && p.value[2];
        return typeof v === "number" ? fmt(v) : "";
      };
    } else if (s.type === "pie") {
      s.label.formatter = function (p) {
        return p.name + ": " + pct(p.percent / 100);
      };
    }
  }
  function axes(a) {
    return a ? [].concat(a) : [];
  }
  // ink counts the pixels of a chart's canvas that are not blank, so a test
  // (or a reader of the DOM) can tell that something was drawn.
  function ink(div) {
    var c = div.querySelector("canvas");
    if (!c || !c.width || !c.height) {
      return 0;
    }
    try {
      var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      var n = 0;
      for (var i = 3; i < d.length; i += 16) {
        if (d[i] !== 0) {
          n++;
        }
      }
      return n;
    } catch (e) {
      return -1;
    }
  }
  function draw() {
    var els = document.querySelectorAll("script.chart-option");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var div = document.getElementById(el.getAttribute("data-chart"));
      if (!div || typeof echarts === "undefined") {
        continue;
      }
      var opt = JSON.parse(el.textContent);
      opt.textStyle = { fontFamily: "Vazirmatn, Tahoma, sans-serif" };
      axes(opt.xAxis).concat(axes(opt.yAxis)).forEach(function (ax) {
        if (ax.type !== "category" && !ax.data) {
          ax.axisLabel = Object.assign({}, ax.axisLabel, { formatter: fmt });
        }
      });
      opt.tooltip = Object.assign({}, opt.tooltip, { valueFormatter: fmt });
      (opt.series || []).forEach(labels);
      if (opt.visualMap) {
        [].concat(opt.visualMap).forEach(function (v) {
          v.formatter = fmt;
        });
      }
      var chart = echarts.init(div, null, { renderer: "canvas" });
      chart.on("finished", (function (d) {
        return function () {
          d.setAttribute("data-drawn", "1");
          d.setAttribute("data-ink", String(ink(d)));
        };
      })(div));
      chart.setOption(opt);
      window.addEventListener("resize", chart.resize);
      window.addEventListener("beforeprint", chart.resize);
    }
    document.documentElement.setAttribute("data-charts", String(els.length));
  }
  if (document.fonts && document.fonts.load) {
    document.fonts.load("16px Vazirmatn").then(draw, draw);
  } else {
    draw();
  }
})();
