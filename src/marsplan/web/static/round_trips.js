// The Round trips page's delta-v / duration front, one series per opportunity (plotly.js).
"use strict";
(function () {
  const holder = document.getElementById("front");
  const source = document.getElementById("front-data");
  if (!holder || !source || typeof Plotly === "undefined") return;
  const rows = JSON.parse(source.textContent);
  const by = {};
  rows.forEach(function (r) { (by[r.opportunity] = by[r.opportunity] || []).push(r); });
  const traces = Object.keys(by).map(function (year) {
    const pts = by[year].sort(function (a, b) { return a.duration_days - b.duration_days; });
    return {
      type: "scatter", mode: "lines+markers", name: year,
      x: pts.map(function (r) { return r.duration_days; }),
      y: pts.map(function (r) { return r.dv_total_kms; }),
      customdata: pts.map(function (r) { return [r.stay_days, r.earth_departure]; }),
      hovertemplate: year + ": %{y:.3f} km/s over %{x:.0f} days<br>stay %{customdata[0]:.0f} " +
        "days, leaves Earth %{customdata[1]}<extra></extra>",
    };
  });
  Plotly.newPlot(holder, traces, {
    margin: { l: 60, r: 20, t: 10, b: 50 }, height: 380,
    xaxis: { title: { text: "Mission duration (days)" } },
    yaxis: { title: { text: "Total Δv (km/s)" } },
  }, { responsive: true, displaylogo: false }).then(function () {
    holder.dataset.ready = "1";
    if (window.performance && performance.mark) performance.mark("marsplan-interactive");
  });
})();
