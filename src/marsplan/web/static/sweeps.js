// The Sweeps page's heat maps: least IMLEO and least cost among the rows that fly, per
// opportunity and coalition, one pair per mission class (plotly.js from the plotly wheel).
"use strict";
(function () {
  const holder = document.getElementById("heat");
  const source = document.getElementById("heat-data");
  const dir = document.getElementById("dir");
  if (dir) dir.addEventListener("change", function () { dir.form.submit(); });
  if (!holder || !source || typeof Plotly === "undefined") return;
  const byClass = JSON.parse(source.textContent);
  const classes = Object.keys(byClass);
  const traces = [], layout = { margin: { l: 160, r: 20, t: 30, b: 60 }, height: 320 * classes.length,
    grid: { rows: classes.length, columns: 2, pattern: "independent" }, annotations: [] };
  classes.forEach(function (name, k) {
    const cells = byClass[name];
    const years = Array.from(new Set(cells.map(function (c) { return c.opportunity; }))).sort();
    const coalitions = Array.from(new Set(cells.map(function (c) { return c.coalition; })));
    ["imleo_t", "cost_musd"].forEach(function (key, m) {
      const z = coalitions.map(function (co) {
        return years.map(function (y) {
          const c = cells.find(function (x) { return x.opportunity === y && x.coalition === co; });
          return c ? c[key] : null;
        });
      });
      const n = 2 * k + m + 1;
      traces.push({ type: "heatmap", x: years.map(String), y: coalitions, z: z,
        xaxis: "x" + (n === 1 ? "" : n), yaxis: "y" + (n === 1 ? "" : n),
        colorscale: m === 0 ? "Blues" : "Oranges", showscale: false,
        texttemplate: "%{z:,.0f}", hovertemplate: (m === 0 ? "IMLEO %{z:,.0f} t" :
          "cost US$%{z:,.0f} M") + "<br>%{y}, %{x}<extra></extra>" });
      layout.annotations.push({ text: name + ": " + (m === 0 ? "least IMLEO (t)" : "least cost (US$ M)"),
        xref: "x" + (n === 1 ? "" : n) + " domain", yref: "y" + (n === 1 ? "" : n) + " domain",
        x: 0, y: 1.12, showarrow: false, xanchor: "left", font: { size: 13 } });
      layout["xaxis" + (n === 1 ? "" : n)] = { type: "category" };
      layout["yaxis" + (n === 1 ? "" : n)] = { type: "category" };
    });
  });
  Plotly.newPlot(holder, traces, layout, { responsive: true, displaylogo: false })
    .then(function () {
      holder.dataset.ready = "1";
      if (window.performance && performance.mark) performance.mark("marsplan-interactive");
    });
})();
