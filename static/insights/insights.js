/* Insights charts, drawn with the vendored Chart.js from data the page carries in a
   <script type="application/json" id="insights-charts"> block (never executed, so the
   Content-Security-Policy's script-src 'self' holds). Every chart has a table or a sentence
   next to it with the same figures; a click on a point opens the verbatims behind it. */
(function () {
  "use strict";

  function readData() {
    var block = document.getElementById("insights-charts");
    if (!block) return null;
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  function token(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  var lang = document.documentElement.lang || "fr";
  var numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var palette = {
    primary: token("--c-primary", "#0b6e4f"),
    info: token("--c-info", "#1d4f91"),
    muted: token("--c-muted", "#56625c"),
    grid: token("--c-border", "#d7deda")
  };

  function openLink(spec) {
    return function (event, elements) {
      if (elements && elements.length && spec.links && spec.links[elements[0].index]) {
        window.location.href = spec.links[elements[0].index];
      }
    };
  }

  function pointer(event, elements) {
    event.native.target.style.cursor = elements.length ? "pointer" : "default";
  }

  function trend(canvas, spec) {
    var colours = [palette.primary, palette.info];
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (serie, index) {
          return {
            label: serie.label,
            data: serie.values,
            borderColor: colours[index % colours.length],
            backgroundColor: colours[index % colours.length],
            borderDash: index ? [6, 4] : [],
            pointRadius: 3,
            pointHoverRadius: 6,
            spanGaps: false,
            tension: 0.25
          };
        })
      },
      options: {
        maintainAspectRatio: false,
        animation: reduced ? false : undefined,
        interaction: { mode: "index", intersect: false },
        onClick: openLink(spec),
        onHover: pointer,
        scales: {
          y: { suggestedMin: -20, suggestedMax: 100, grid: { color: palette.grid },
               ticks: { color: palette.muted } },
          x: { grid: { display: false }, ticks: { color: palette.muted, autoSkip: true } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 14 } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var serie = spec.series[ctx.datasetIndex];
                if (ctx.parsed.y === null) return serie.label + ": —";
                var margin = serie.margins && serie.margins[ctx.dataIndex];
                return serie.label + ": " + numbers.format(ctx.parsed.y) +
                  (margin !== null && margin !== undefined ? " ± " + numbers.format(margin) : "");
              }
            }
          }
        }
      }
    });
  }

  function spark(canvas, values) {
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: values.map(function (_v, i) { return i; }),
        datasets: [{ data: values, borderColor: palette.primary, borderWidth: 2,
                     pointRadius: 0, spanGaps: true, tension: 0.3, fill: false }]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        events: [],
        scales: { x: { display: false }, y: { display: false } },
        plugins: { legend: { display: false }, tooltip: { enabled: false } }
      }
    });
  }

  function bars(canvas, spec) {
    var serie = spec.series[0];
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [{ label: serie.label, data: serie.values, backgroundColor: palette.primary,
                     borderRadius: 4, maxBarThickness: 28 }]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: reduced ? false : undefined,
        onClick: openLink(spec),
        onHover: pointer,
        scales: {
          x: { suggestedMin: -20, suggestedMax: 100, grid: { color: palette.grid },
               ticks: { color: palette.muted } },
          y: { grid: { display: false }, ticks: { color: palette.muted } }
        },
        plugins: { legend: { display: false } }
      }
    });
  }

  function draw() {
    if (!window.Chart) return;
    var data = readData();
    if (!data) return;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var kind = canvas.getAttribute("data-chart");
      var name = canvas.getAttribute("data-series");
      if (kind === "trend" && data.trend) trend(canvas, data.trend);
      else if (kind === "bars" && data[name]) bars(canvas, data[name]);
      else if (kind === "spark" && data.sparklines && data.sparklines[name]) {
        spark(canvas, data.sparklines[name]);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
