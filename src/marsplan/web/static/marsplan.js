// marsplan's pages: sortable tables and toggles that submit their form. Plain JavaScript,
// served from the package (no CDN): the pages work offline.
"use strict";
(function () {
  function cellValue(row, index) {
    const text = row.cells[index].textContent.trim().replace(/,/g, "").replace("\u2212", "-");
    const number = Number(text);
    return text !== "" && !Number.isNaN(number) ? number : text;
  }
  // Click a header of a table.sortable to sort by it; click again to reverse.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.classList.add("sort");
      th.tabIndex = 0;
      const sort = function () {
        const up = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          const x = cellValue(a, index), y = cellValue(b, index);
          const order = typeof x === "number" && typeof y === "number" ? x - y
            : String(x).localeCompare(String(y));
          return up ? order : -order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
  });
  // A withdrawal toggle re-plans at once.
  document.querySelectorAll("input.withdraw").forEach(function (box) {
    box.addEventListener("change", function () { box.form.submit(); });
  });
  document.documentElement.dataset.ready = "1";
  // A page without a chart is interactive now; a chart's script marks it when drawn.
  if (!document.querySelector(".chart") && window.performance && performance.mark) {
    performance.mark("marsplan-interactive");
  }
})();
