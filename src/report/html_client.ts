/**
 * The script of the HTML report's page: draws each chart the page carries
 * (as JSON) with uPlot, which the page inlines. Time charts take Unix
 * seconds; percentile charts take 1 / (1 − p) on a log scale, labelled in
 * percent.
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
  function percentLabel(x) {
    var p = 100 - 100 / x;
    return (Math.round(p * 1000) / 1000) + "%";
  }
  specs.forEach(function (spec) {
    var box = document.getElementById(spec.id);
    var percentile = spec.x === "percentile";
    var options = {
      title: spec.title,
      width: Math.max(320, Math.min(1000, box.clientWidth || 960)),
      height: 280,
      scales: { x: percentile ? { time: false, distr: 3, log: 10 } : { time: true } },
      axes: [
        percentile ? { label: "percentile", values: function (u, splits) { return splits.map(percentLabel); } } : {},
        { label: spec.yLabel },
      ],
      series: [percentile ? { label: "percentile", value: function (u, x) { return x == null ? "" : percentLabel(x); } } : {}]
        .concat(spec.series.map(function (label, i) {
          return { label: label, stroke: colors[i % colors.length], width: 2 };
        })),
    };
    new uPlot(options, spec.data, box);
  });
  document.body.setAttribute("data-charts-drawn", String(specs.length));
})();
`;
