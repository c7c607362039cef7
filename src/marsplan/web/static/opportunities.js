// The Opportunities page's porkchop: plotly.js (from the plotly wheel) over the grid the
// page carries. Hover shows a transfer; a click marks it, shows its details and puts its
// dates in the URL, so the link reproduces the view.
"use strict";
(function () {
  const holder = document.getElementById("porkchop");
  const source = document.getElementById("porkchop-data");
  if (!holder || !source || typeof Plotly === "undefined") return;
  if (window.performance && performance.mark) performance.mark("marsplan-scripts");
  const d = JSON.parse(source.textContent);
  const nx = d.launch.length, ny = d.arrival.length;
  const custom = [];
  for (let j = 0; j < ny; j++) {
    const row = [];
    for (let i = 0; i < nx; i++) {
      row.push([d.vinf_arrival_kms[j][i], d.dla_deg[j][i], d.tof_days[j][i],
                d.type[j][i] === 1 ? "I" : d.type[j][i] === 2 ? "II" : "-"]);
    }
    custom.push(row);
  }
  // Colour only the useful range: C3 beyond 60 km^2/s^2 is out of reach of a crewed stack.
  const c3 = d.c3_km2s2.map(function (row) {
    return row.map(function (v) { return v === null || v > 60 ? null : v; });
  });
  const heat = {
    type: "heatmap", x: d.launch, y: d.arrival, z: c3, customdata: custom,
    colorscale: "Viridis", reversescale: true, zmin: 7, zmax: 40,
    colorbar: { title: { text: "C3 (km²/s²)" } },
    hovertemplate: "launch %{x}<br>arrival %{y}<br>C3 %{z:.2f} km²/s²<br>" +
      "arrival v∞ %{customdata[0]:.3f} km/s<br>DLA %{customdata[1]:.1f}°<br>" +
      "time of flight %{customdata[2]} days<br>Type %{customdata[3]}<extra></extra>",
  };
  const lines = {
    type: "contour", x: d.launch, y: d.arrival, z: c3, hoverinfo: "skip", showscale: false,
    contours: { coloring: "none", start: 8, end: 40, size: 4, showlabels: true },
    line: { color: "rgba(255,255,255,0.7)", width: 1 },
  };
  if (window.performance && performance.mark) performance.mark("marsplan-data");
  const mark = { type: "scatter", mode: "markers", x: [], y: [], hoverinfo: "skip",
    marker: { symbol: "star", size: 16, color: "#d7191c", line: { color: "#fff", width: 1 } },
    name: "marked" };
  const params = new URLSearchParams(window.location.search);
  if (params.get("launch") && params.get("arrival")) {
    mark.x = [params.get("launch")];
    mark.y = [params.get("arrival")];
  }
  const layout = {
    margin: { l: 70, r: 20, t: 10, b: 50 }, height: 520, showlegend: false,
    xaxis: { title: { text: "Launch date (TDB)" } },
    yaxis: { title: { text: "Arrival at Mars (TDB)" } },
  };
  function detail(label, value) {
    return "<div><dt>" + label + "</dt><dd>" + value + "</dd></div>";
  }
  function show(i, j) {
    const c = d.c3_km2s2[j][i];
    if (c === null) return;
    const launch = d.launch[i], arrival = d.arrival[j];
    Plotly.restyle(holder, { x: [[launch]], y: [[arrival]] }, [1]);
    document.getElementById("details-list").innerHTML =
      detail("Launch", launch) + detail("Arrival", arrival) +
      detail("Time of flight", d.tof_days[j][i] + " days") +
      detail("Type", d.type[j][i] === 1 ? "I" : "II") +
      detail("Launch energy C3", c.toFixed(2) + " km²/s²") +
      detail("Arrival v∞", d.vinf_arrival_kms[j][i].toFixed(3) + " km/s") +
      detail("Departure declination (DLA)", d.dla_deg[j][i].toFixed(1) + "°");
    document.getElementById("details").hidden = false;
    params.set("year", d.year);
    params.set("launch", launch);
    params.set("arrival", arrival);
    window.history.replaceState(null, "", "?" + params.toString());
  }
  // The heat map first: hover and click work as soon as it is drawn. The C3 contour
  // lines take plotly several times longer to trace, so they follow once it is.
  Plotly.newPlot(holder, [heat, mark], layout,
                 { responsive: true, displaylogo: false }).then(function () {
    holder.removeAttribute("data-loading");
    holder.dataset.ready = "1";
    if (window.performance && performance.mark) performance.mark("marsplan-interactive");
    window.setTimeout(function () {
      Plotly.addTraces(holder, lines).then(function () {
        holder.dataset.contours = "1";
        if (window.performance && performance.mark) performance.mark("marsplan-drawn");
      });
    }, 50);
  });
  holder.on("plotly_click", function (event) {
    const p = event.points && event.points[0];
    if (!p || p.curveNumber !== 0) return;
    const at = Array.isArray(p.pointNumber) ? p.pointNumber
      : [d.arrival.indexOf(p.y), d.launch.indexOf(p.x)];
    show(at[1], at[0]);
  });
  document.getElementById("year").addEventListener("change", function () {
    document.getElementById("porkchop-form").submit();
  });
})();
