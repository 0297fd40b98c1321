/**
 * The script of the HTML report's page: draws each chart the page carries
 * (as JSON) with uPlot, which the page inlines. Time charts take Unix
 * seconds; percentile charts take 1 / (1 − p) on a log scale, labelled in
 * percent; rate charts take messages per second, with every point drawn.
 *
 * @module
 */

/** Series colours, in order: saturated, so a drawn line stands out from the grey axes. */
export const CHART_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

/** The page script (plain ES2017, no imports). */
export const CHART_SCRIPT = `
(function () {
  var colors = ${JSON.stringify(CHART_COLORS)};
  var specs = JSON.parse(document.getElementById("kali-charts").textContent);
  // x = 1 / (1 - p): 1, 10, 100, 1000 are 0%, 90%, 99%, 99.9%.
  function percentLabel(x) {
    if (x == null || !(x >= 1)) return "";
    var p = 100 - 100 / x;
    return (Math.round(p * 10000) / 10000) + "%";
  }
  function decadeLabels(u, splits) {
    return splits.map(function (x) {
      var decade = x != null && Math.abs(Math.log10(x) - Math.round(Math.log10(x))) < 1e-9;
      return decade ? percentLabel(x) : null;
    });
  }
  specs.forEach(function (spec) {
    var box = document.getElementById(spec.id);
    var percentile = spec.x === "percentile";
    var rate = spec.x === "rate";
    var xSeries = percentile
      ? { label: "percentile", value: function (u, x) { return percentLabel(x); } }
      : rate ? { label: "messages/s" } : {};
    var options = {
      title: spec.title,
      width: Math.max(320, Math.min(1000, box.clientWidth || 960)),
      height: 280,
      scales: {
        x: percentile ? { time: false, distr: 3, log: 10 } : { time: !rate },
      },
      axes: [
        percentile
          ? { label: "percentile", values: decadeLabels }
          : rate ? { label: "messages sent per second" } : {},
        { label: spec.yLabel },
      ],
      series: [xSeries].concat(spec.series.map(function (label, i) {
        var line = { label: label, stroke: colors[i % colors.length], width: 2 };
        if (rate) line.points = { show: true, size: 7 };
        return line;
      })),
    };
    new uPlot(options, spec.data, box);
  });
  document.body.setAttribute("data-charts-drawn", String(specs.length));
})();
`;
