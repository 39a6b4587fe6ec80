// Live dashboard: polls the organiser JSON endpoint and redraws charts and their tables.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || typeof Chart === "undefined") { return; }
  var charts = {};
  var label = function (name) { return root.getAttribute("data-label-" + name) || name; };

  function fillTable(id, rows) {
    var body = document.querySelector("#" + id + " tbody");
    var fresh = document.createElement("tbody");
    rows.forEach(function (cells) {
      var tr = document.createElement("tr");
      cells.forEach(function (cell, i) {
        var td = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) { td.setAttribute("scope", "row"); }
        td.textContent = cell === null || cell === undefined ? "–" : String(cell);
        tr.appendChild(td);
      });
      fresh.appendChild(tr);
    });
    body.replaceWith(fresh);
  }

  function draw(id, type, labels, datasets) {
    if (charts[id]) {
      charts[id].data.labels = labels;
      charts[id].data.datasets.forEach(function (ds, i) { ds.data = datasets[i].data; });
      charts[id].update("none");
      return;
    }
    charts[id] = new Chart(document.getElementById(id), {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: { animation: false, responsive: true, plugins: { legend: { display: datasets.length > 1 } } }
    });
  }

  function pct(rate) { return rate === null ? null : Math.round(rate * 100) + " %"; }

  function render(data) {
    Object.keys(data.totals).forEach(function (key) {
      var el = root.querySelector('[data-total="' + key + '"]');
      if (el) { el.textContent = String(data.totals[key]); }
    });
    root.querySelector('[data-field="generated_at"]').textContent = data.generated_at;
    var ev = data.events;
    draw("chart-events", "bar", ev.map(function (e) { return e.title; }), [
      { label: label("registered"), data: ev.map(function (e) { return e.registered; }), backgroundColor: "#1f5f8b" },
      { label: label("admitted"), data: ev.map(function (e) { return e.admitted; }), backgroundColor: "#d9822b" }
    ]);
    fillTable("table-events", ev.map(function (e) {
      return [e.title, e.capacity, e.registered, e.admitted, pct(e.fill_rate), e.no_shows, e.waitlisted];
    }));
    var ve = data.venues;
    draw("chart-venues", "bar", ve.map(function (v) { return v.name; }),
      [{ label: label("inside"), data: ve.map(function (v) { return v.inside_now; }), backgroundColor: "#2e7d32" }]);
    fillTable("table-venues", ve.map(function (v) { return [v.name, v.inside_now, v.walk_ins]; }));
    var q = data.entries_per_quarter;
    draw("chart-quarters", "line", q.map(function (r) { return r.time; }),
      [{ label: label("entries"), data: q.map(function (r) { return r.entries; }), borderColor: "#1f5f8b" }]);
    fillTable("table-quarters", q.map(function (r) { return [r.time, r.entries]; }));
    var la = data.languages;
    draw("chart-languages", "bar", la.map(function (l) { return l.name; }),
      [{ label: label("seats"), data: la.map(function (l) { return l.seats; }), backgroundColor: "#6a1b9a" }]);
    fillTable("table-languages", la.map(function (l) { return [l.name, l.seats]; }));
    var pc = data.postal_codes;
    draw("chart-communes", "bar", pc.map(function (p) { return p.postal_code; }),
      [{ label: label("registrations"), data: pc.map(function (p) { return p.registrations; }), backgroundColor: "#00695c" }]);
    fillTable("table-communes", pc.map(function (p) { return [p.postal_code, p.registrations]; }));
    fillTable("table-doubles", data.double_entries.map(function (d) { return [d.ticket_id, d.checkpoint, d.at]; }));
  }

  function refresh() {
    fetch(root.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(render)
      .catch(function () { root.querySelector(".dash-status").classList.add("is-stale"); });
  }
  refresh();
  setInterval(refresh, parseInt(root.getAttribute("data-refresh"), 10) || 10000);
}());
